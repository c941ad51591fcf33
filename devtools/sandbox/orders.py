"""Orders in the sandbox: placing one, changing its status, and the webhook payload."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from devtools.sandbox.store import Row, SandboxShop
from shopsync.adapters.shoprenter.ids import decode_id
from shopsync.domain.orders import SHOP_ZONE


def place_order(shop: SandboxShop, spec: dict[str, Any]) -> Row:
    """Create an order (and its products and totals) from a spec like the generator's."""
    orders = shop.table("orders")
    lines = spec.get("lines", [])
    net = sum(
        (Decimal(str(line["price"])) * Decimal(str(line["quantity"])) for line in lines), Decimal(0)
    )
    vat = sum(
        (
            Decimal(str(line["price"]))
            * Decimal(str(line["quantity"]))
            * Decimal(str(line["taxRate"]))
            / 100
            for line in lines
        ),
        Decimal(0),
    )
    shipping = Decimal(str(spec.get("shippingGrossPrice", 0)))
    extra = Decimal(str(spec.get("shippingAdditionalCostGross", 0)))
    payment = Decimal(str(spec.get("paymentGrossPrice", 0)))
    discounts = sum((abs(Decimal(str(spec.get(name, 0)))) for name in DISCOUNT_FIELDS), Decimal(0))
    gross = (net + vat + shipping + extra + payment - discounts).quantize(Decimal(1), ROUND_HALF_UP)
    buyer = spec.get("buyer", {})
    fields: dict[str, Any] = {
        "firstname": buyer.get("family", ""),
        "lastname": buyer.get("given", ""),
        "email": buyer.get("email", ""),
        "phone": buyer.get("phone", ""),
        "paymentCompany": buyer.get("company", ""),
        "taxNumber": buyer.get("taxNumber", ""),
        "paymentPostcode": buyer.get("postcode", ""),
        "paymentCity": buyer.get("city", ""),
        "paymentAddress1": buyer.get("address", ""),
        "paymentCountryName": "Hungary",
        "shippingMethodName": spec.get("shippingMethodName", "Házhozszállítás futárral"),
        "shippingGrossPrice": str(shipping),
        "shippingNetPrice": str((shipping / Decimal("1.27")).quantize(Decimal("0.0001"))),
        "paymentMethodName": spec.get("paymentMethodName", "Utánvét"),
        "paymentMethodCode": spec.get("paymentMethodCode", "COD"),
        "paymentGrossPrice": str(payment),
        "paymentNetPrice": str((payment / Decimal("1.27")).quantize(Decimal("0.0001"))),
        "shippingAdditionalCostGross": str(extra),
        "shippingAdditionalCostNet": str((extra / Decimal("1.27")).quantize(Decimal("0.0001"))),
        "couponCode": spec.get("couponCode", ""),
        "couponGrossPrice": _optional(spec, "couponGrossPrice"),
        "cartAmountDiscount": _optional(spec, "cartAmountDiscount"),
        "loyaltyPointsUsed": _optional(spec, "loyaltyPointsUsed"),
        "currency": spec.get("currency", "HUF"),
        "total": f"{gross:.4f}",
        "netTotal": f"{net:.4f}",
        "taxTotal": f"{vat:.4f}",
        "orderStatus": shop.status_id(int(spec.get("status", 1))),
        "_history": [],
    }
    order = orders.insert(fields)
    _add_history(shop, order)
    products = shop.table("orderProducts")
    for line in lines:
        products.insert(
            {
                "name": line["name"],
                "sku": line["sku"],
                "price": line["price"],
                "taxRate": f"{Decimal(str(line['taxRate'])):.4f}",
                "quantity": str(line["quantity"]),
                "options": line.get("options", []),
                "order": order.resource_id,
                "currency": fields["currency"],
            }
        )
    shop.table("orderTotals").insert(
        {"name": "Bruttó", "key": "TOTAL", "value": f"{gross:.4f}", "order": order.resource_id}
    )
    return order


#: The discounts an order spec may carry (gross, either sign), as the webhook names them.
DISCOUNT_FIELDS = ("couponGrossPrice", "cartAmountDiscount", "loyaltyPointsUsed")


def _optional(spec: dict[str, Any], name: str) -> str | None:
    """A discount as the webhook sends it: its amount, or null when the order has none."""
    value = Decimal(str(spec.get(name, 0)))
    return str(value) if value else None


def change_status(shop: SandboxShop, order: Row, status_id: str) -> None:
    shop.table("orders").update(order, {"orderStatus": status_id})
    _add_history(shop, order)


def _add_history(shop: SandboxShop, order: Row) -> None:
    status_id = order.fields["orderStatus"]
    decoded = decode_id(status_id)
    order.fields["_history"].append(
        {
            "status": decoded[1]["order_status_id"] if decoded else status_id,
            "statusText": shop.status_name(status_id),
            "comment": "",
            # As Shoprenter writes it: the shop's local time, to the second.
            "dateAdded": datetime.now(SHOP_ZONE).strftime("%Y-%m-%d %H:%M:%S"),
        }
    )


def webhook_order(shop: SandboxShop, order: Row, base: str) -> dict[str, Any]:
    """The order as Shoprenter's webhook carries it (see the verbatim sample)."""
    f = order.fields
    lines = [
        r
        for r in shop.table("orderProducts").rows.values()
        if r.fields.get("order") == order.resource_id
    ]
    return {
        "storeName": shop.name,
        "cart_token": "cart",
        "shippingZoneName": "",
        "paymentZoneName": "",
        "shippingInnerResourceId": "shippingModeExtend/c2hpcHBpbmdNb2RlLWlkPTE4",
        "innerId": str(order.inner),
        "innerResourceId": f"orders/{order.resource_id}",
        "outerResourceId": "",
        "firstname": f["firstname"],
        "lastname": f["lastname"],
        "phone": f["phone"],
        "fax": "",
        "email": f["email"],
        "shippingFirstname": f["firstname"],
        "shippingLastname": f["lastname"],
        "shippingCompany": f["paymentCompany"],
        "shippingAddress1": f["paymentAddress1"],
        "shippingAddress2": "",
        "shippingCity": f["paymentCity"],
        "shippingCountryName": "Hungary",
        "shippingPostcode": f["paymentPostcode"],
        "paymentFirstname": f["firstname"],
        "paymentLastname": f["lastname"],
        "paymentCompany": f["paymentCompany"],
        "paymentAddress1": f["paymentAddress1"],
        "paymentAddress2": "",
        "paymentCity": f["paymentCity"],
        "paymentCountryName": "Hungary",
        "paymentPostcode": f["paymentPostcode"],
        "paymentTaxnumber": f["taxNumber"],
        "shippingMethodName": f["shippingMethodName"],
        "shippingNetPrice": f["shippingNetPrice"],
        "shippingGrossPrice": f["shippingGrossPrice"],
        "paymentMethodName": f["paymentMethodName"],
        "paymentNetPrice": f["paymentNetPrice"],
        "paymentGrossPrice": f["paymentGrossPrice"],
        "shippingAdditionalCostNet": f["shippingAdditionalCostNet"],
        "shippingAdditionalCostGross": f["shippingAdditionalCostGross"],
        "couponCode": f["couponCode"],
        "couponGrossPrice": f["couponGrossPrice"],
        "cartAmountDiscount": f["cartAmountDiscount"],
        "loyaltyPointsUsed": f["loyaltyPointsUsed"],
        "languageId": "1",
        "languageCode": "hu",
        "comment": "",
        "total": f["netTotal"],
        "totalGross": f["total"],
        "taxPrice": f["taxTotal"],
        "currency": f["currency"],
        "orderHistory": f["_history"][-1],
        "orderProducts": {
            "orderProduct": [
                {
                    "innerId": str(r.inner),
                    "innerResourceId": f"orderProducts/{r.resource_id}",
                    "outerResourceId": "",
                    "name": r.fields["name"],
                    "sku": r.fields["sku"],
                    "price": r.fields["price"],
                    "currency": r.fields["currency"],
                    "taxRate": r.fields["taxRate"],
                    "quantity": r.fields["quantity"],
                    "orderProductOptions": {
                        "orderProductOption": [
                            {**option, "prefix": "+"} for option in r.fields.get("options", [])
                        ]
                    },
                    "image": f"{base}/custom/{shop.name}/image/no_image.jpg",
                    "category": "",
                }
                for r in lines
            ]
        },
    }
