"""Orders in the sandbox: placing one, changing its status, and the webhook payload."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from devtools.sandbox.order_rest import add_line, add_totals, net_of
from devtools.sandbox.store import Row, SandboxShop
from shopsync.adapters.shoprenter.ids import decode_id
from shopsync.domain.budapest import BUDAPEST


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
    currency = str(spec.get("currency", "HUF"))
    hidden = {  # what only the webhook carries under these names (REST: orderTotals rows)
        "shippingGrossPrice": str(shipping),
        "shippingNetPrice": net_of(shipping),
        "paymentGrossPrice": str(payment),
        "paymentNetPrice": net_of(payment),
        "shippingAdditionalCostGross": str(extra),
        "shippingAdditionalCostNet": net_of(extra),
        "couponCode": spec.get("couponCode", ""),
        "couponGrossPrice": _optional(spec, "couponGrossPrice"),
        "cartAmountDiscount": _optional(spec, "cartAmountDiscount"),
        "loyaltyPointsUsed": _optional(spec, "loyaltyPointsUsed"),
        "currency": currency,
        "netTotal": f"{net:.4f}",
        "taxTotal": f"{vat:.4f}",
    }
    fields: dict[str, Any] = {
        "invoiceId": "0",
        "invoicePrefix": "",
        "firstname": buyer.get("family", ""),
        "lastname": buyer.get("given", ""),
        "email": buyer.get("email", ""),
        "phone": buyer.get("phone", ""),
        "fax": "",
        "paymentFirstname": buyer.get("family", ""),
        "paymentLastname": buyer.get("given", ""),
        "paymentCompany": buyer.get("company", ""),
        "paymentAddress1": buyer.get("address", ""),
        "paymentAddress2": "",
        "paymentCity": buyer.get("city", ""),
        "paymentPostcode": buyer.get("postcode", ""),
        "paymentCountryName": "Hungary",
        "taxNumber": buyer.get("taxNumber", ""),
        "shippingMethodName": spec.get("shippingMethodName", "Házhozszállítás futárral"),
        "shippingMethodTaxRate": "27.0000",
        "paymentMethodName": spec.get("paymentMethodName", "Utánvét"),
        "paymentMethodCode": spec.get("paymentMethodCode", "COD"),
        "paymentMethodTaxRate": "27.0000",
        "comment": "",
        "total": f"{gross:.4f}",  # REST `total` is the gross
        "value": "1.00000000",
        "couponTaxRate": "-1.0000",
        "loyaltyPointsTaxRate": "-1.0000",
        "orderStatus": shop.status_id(int(spec.get("status", 1))),
        "currency": shop.currency_id(currency),
        "_webhook": hidden,
        "_history": [],
    }
    order = orders.insert(fields)
    _add_history(shop, order)
    for line in lines:
        add_line(shop, order, line, currency)
    add_totals(shop, order, net, vat)
    return order


#: The discounts an order spec may carry (gross, either sign), as the webhook names them.
DISCOUNT_FIELDS = ("couponGrossPrice", "cartAmountDiscount", "loyaltyPointsUsed")


def _optional(spec: dict[str, Any], name: str) -> str | None:
    """A discount as the webhook sends it: its amount, or null when the order has none."""
    value = Decimal(str(spec.get(name, 0)))
    return str(value) if value else None


def change_status(shop: SandboxShop, order: Row, status_id: str) -> None:
    shop.table("orders").update(order, {"orderStatus": status_id})  # dateUpdated moves
    _add_history(shop, order)


def _add_history(shop: SandboxShop, order: Row) -> None:
    status_id = order.fields["orderStatus"]
    decoded = decode_id(status_id)
    # As Shoprenter writes it: the shop's local time, to the second.
    added = datetime.now(BUDAPEST).strftime("%Y-%m-%d %H:%M:%S")
    order.fields["_history"].append(
        {
            "status": decoded[1]["order_status_id"] if decoded else status_id,
            "statusText": shop.status_name(status_id),
            "comment": "",
            "dateAdded": added,
        }
    )
    entry = shop.table("orderHistories").insert(
        {"comment": "", "dateAdded": added, "order": order.resource_id, "orderStatus": status_id}
    )
    for stamp in ("dateCreated", "dateUpdated"):  # a history row has only its dateAdded
        entry.fields.pop(stamp, None)


def webhook_order(shop: SandboxShop, order: Row, base: str) -> dict[str, Any]:
    """The order as Shoprenter's webhook carries it (see the verbatim sample)."""
    f = {**order.fields, **order.fields["_webhook"]}
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
                    "currency": r.fields["_currency"],
                    "taxRate": r.fields["taxRate"],
                    "quantity": r.fields["_quantity"],
                    "orderProductOptions": {
                        "orderProductOption": [
                            {**option, "prefix": "+"} for option in r.fields["_options"]
                        ]
                    },
                    "image": f"{base}/custom/{shop.name}/image/no_image.jpg",
                    "category": "",
                }
                for r in lines
            ]
        },
    }
