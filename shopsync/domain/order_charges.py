"""The amounts of a webhook's order besides its products: shipping, fees and discounts.

Shoprenter's status-change webhook carries shipping (and the shipping mode's additional
cost) and the payment fee as net and gross, the coupon as a gross amount, the cart-amount
discount and the loyalty points spent (read as money in the order's currency, one point a
unit [I]). Signs vary between shops and fields: a discount is always read as a reduction.
Gift wrapping and product add-ons do not travel in this webhook; an order that has them
does not reconcile with its total and is held (see shopsync.domain.document_lines).
"""

from __future__ import annotations

from typing import Any

from shopsync.domain.order_fields import read_money, read_text
from shopsync.domain.orders import Charge, ChargeKind


def read_charges(raw: dict[str, Any]) -> tuple[Charge, ...]:
    """Every non-zero charge the order has, fees first, each with its kind and name."""
    charges = (
        _fee(raw, ChargeKind.SHIPPING, "shippingNetPrice", "shippingGrossPrice", _shipping(raw)),
        _fee(
            raw,
            ChargeKind.SHIPPING_EXTRA,
            "shippingAdditionalCostNet",
            "shippingAdditionalCostGross",
            "Szállítási többletköltség",
        ),
        _fee(raw, ChargeKind.PAYMENT_FEE, "paymentNetPrice", "paymentGrossPrice", _payment(raw)),
        _discount(raw, ChargeKind.COUPON, "couponGrossPrice", _coupon(raw)),
        _discount(raw, ChargeKind.CART_DISCOUNT, "cartAmountDiscount", "Kosárérték-kedvezmény"),
        _discount(raw, ChargeKind.LOYALTY_POINTS, "loyaltyPointsUsed", "Hűségpont-beváltás"),
    )
    return tuple(charge for charge in charges if charge.gross)


def _fee(raw: dict[str, Any], kind: ChargeKind, net: str, gross: str, name: str) -> Charge:
    return Charge(kind, name, read_money(raw, gross), read_money(raw, net))


def _discount(raw: dict[str, Any], kind: ChargeKind, field: str, name: str) -> Charge:
    return Charge(kind, name, -abs(read_money(raw, field, signed=True)))


def _shipping(raw: dict[str, Any]) -> str:
    return read_text(raw, "shippingMethodName") or "Szállítás"


def _payment(raw: dict[str, Any]) -> str:
    return read_text(raw, "paymentMethodName") or "Fizetési díj"


def _coupon(raw: dict[str, Any]) -> str:
    return f"Kupon {read_text(raw, 'couponCode')}".strip()
