"""The resources the sandbox serves: endpoint, id shape, links and filters of each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ResourceSpec:
    endpoint: str
    type_name: str
    column: str
    links: dict[str, str] = field(default_factory=dict)  # field → endpoint it points to
    filters: dict[str, str] = field(default_factory=dict)  # query param → field
    child_links: dict[str, tuple[str, str]] = field(default_factory=dict)  # field→(endpoint,param)
    writable: bool = True
    composite: tuple[str, ...] = ()  # id columns taken from link fields (descriptions)
    defaults: dict[str, Any] = field(default_factory=dict)  # what a new row starts with


PRODUCT_DEFAULTS: dict[str, Any] = {
    "modelNumber": "",
    "orderable": "1",
    "price": "0.0000",
    "multiplier": "1.0000",
    "multiplierLock": "0",
    "loyaltyPoints": {},
    "stock1": "0",
    "stock2": "0",
    "stock3": "0",
    "stock4": "0",
    "subtractStock": "1",
    "mainPicture": "",
    "width": "0.00",
    "height": "0.00",
    "length": "0.00",
    "weight": "0.00",
    "status": "1",
    "shipped": "1",
    "minimalOrderNumber": "1",
    "maximalOrderNumber": "0",
    "minimalOrderNumberMultiply": "0",
    "availableDate": "0000-00-00",
    "quantity": "0.0000",
    "sortOrder": "0",
    "imageAlt": "",
    "freeShipping": "0",
    "durableMediaDevice": "0",
    "taxClass": None,
    "noStockStatus": None,
    "inStockStatus": None,
    "productClass": None,
    "parentProduct": None,
    "volumeUnit": None,
    "weightUnit": None,
    "manufacturer": None,
    "onlyStock1Status": None,
    "onlyStock2Status": None,
    "onlyStock3Status": None,
    "onlyStock4Status": None,
    "allImages": {},
}
# Relations the real product links to; the sandbox serves only some of them (others 404).
PRODUCT_CHILD_LINKS = {
    name: (name, "productId")
    for name in (
        "productDescriptions",
        "productRelatedProductRelations",
        "productCategoryRelations",
        "productSpecials",
        "productProductBadgeRelations",
        "productListAttributeValueRelations",
        "numberAttributeValues",
        "textAttributeValues",
        "productTags",
        "productCollateralProductRelations",
        "customerGroupProductPrices",
        "productAddonProductRelations",
    )
}


SPECS = {
    s.endpoint: s
    for s in [
        ResourceSpec(
            "products",
            "product",
            "product_id",
            links={
                "taxClass": "taxClasses",
                "manufacturer": "manufacturers",
                "noStockStatus": "stockStatuses",
                "inStockStatus": "stockStatuses",
                "productClass": "productClasses",
                "parentProduct": "products",
                "volumeUnit": "lengthClasses",
                "weightUnit": "weightClasses",
                **{f"onlyStock{n}Status": "stockStatuses" for n in range(1, 5)},
            },
            filters={"sku": "sku", "innerId": "innerId"},
            child_links=PRODUCT_CHILD_LINKS,
            defaults=PRODUCT_DEFAULTS,
        ),
        ResourceSpec(
            "productDescriptions",
            "productDescription",
            "product_id",
            links={"product": "products", "language": "languages"},
            filters={"productId": "product", "languageId": "language"},
            composite=("product", "language"),
        ),
        ResourceSpec(
            "productSpecials",
            "productSpecial",
            "product_special_id",
            links={"product": "products", "customerGroup": "customerGroups"},
            filters={"productId": "product"},
        ),
        ResourceSpec(
            "customerGroupProductPrices",
            "customerGroupProductPrice",
            "customer_group_id",
            links={"product": "products", "customerGroup": "customerGroups"},
            filters={"productId": "product", "customerGroupId": "customerGroup"},
            composite=("customerGroup", "product"),
        ),
        ResourceSpec(
            "productCategoryRelations",
            "productCategory",
            "product_id",
            links={"product": "products", "category": "categories"},
            filters={"productId": "product", "categoryId": "category"},
            composite=("product", "category"),
        ),
        ResourceSpec(
            "categories",
            "category",
            "category_id",
            links={"parentCategory": "categories"},
            filters={"innerId": "innerId"},
            child_links={"categoryDescriptions": ("categoryDescriptions", "categoryId")},
        ),
        ResourceSpec(
            "categoryDescriptions",
            "categoryDescription",
            "category_id",
            links={"category": "categories", "language": "languages"},
            filters={"categoryId": "category", "name": "name"},
            composite=("category", "language"),
        ),
        ResourceSpec("customerGroups", "customerGroup", "customer_group_id"),
        ResourceSpec("taxClasses", "taxClass", "tax_class_id", writable=False),
        ResourceSpec("languages", "language", "language_id", writable=False),
        ResourceSpec("manufacturers", "manufacturer", "manufacturer_id"),
        ResourceSpec(
            "orders",
            "order",
            "order_id",
            links={
                "orderStatus": "orderStatuses",
                "customerGroup": "customerGroups",
                "currency": "currencies",
            },
            filters={"innerId": "innerId", "orderStatusId": "orderStatus", "email": "email"},
            child_links={
                "orderProducts": ("orderProducts", "orderId"),
                "orderTotals": ("orderTotals", "orderId"),
            },
        ),
        ResourceSpec(
            "orderProducts",
            "orderProduct",
            "order_product_id",
            links={"order": "orders", "product": "products"},
            filters={"orderId": "order"},
        ),
        ResourceSpec(
            "orderTotals",
            "orderTotal",
            "order_total_id",
            links={"order": "orders"},
            filters={"orderId": "order"},
        ),
        ResourceSpec(
            "orderHistories",
            "orderHistory",
            "order_history_id",
            links={"order": "orders", "orderStatus": "orderStatuses"},
            filters={"orderId": "order"},
            writable=False,
        ),
        ResourceSpec("currencies", "currency", "currency_id", writable=False),
        ResourceSpec("orderStatuses", "orderStatus", "order_status_id", writable=False),
        ResourceSpec(
            "orderStatusDescriptions",
            "orderStatusDescription",
            "order_status_id",
            links={"orderStatus": "orderStatuses", "language": "languages"},
            filters={"orderStatusId": "orderStatus"},
            writable=False,
            composite=("orderStatus", "language"),
        ),
        ResourceSpec("webHooks", "webHook", "notification_id"),
        # Documented filters: none (page, limit and full only); `orderId` is ignored.
        ResourceSpec("orderInvoices", "orderInvoice", "id", links={"order": "orders"}),
    ]
}
ENDPOINT_ALIASES = {"webhooks": "webHooks"}
