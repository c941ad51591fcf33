"""The resources the sandbox serves: endpoint, id shape, links and filters of each."""

from __future__ import annotations

from dataclasses import dataclass, field


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


SPECS = {
    s.endpoint: s
    for s in [
        ResourceSpec(
            "products",
            "product",
            "product_id",
            links={"taxClass": "taxClasses", "manufacturer": "manufacturers"},
            filters={"sku": "sku", "innerId": "innerId"},
            child_links={
                "productDescriptions": ("productDescriptions", "productId"),
                "productSpecials": ("productSpecials", "productId"),
                "productCategoryRelations": ("productCategoryRelations", "productId"),
                "customerGroupProductPrices": ("customerGroupProductPrices", "productId"),
            },
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
            links={"orderStatus": "orderStatuses", "customerGroup": "customerGroups"},
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
    ]
}
ENDPOINT_ALIASES = {"webhooks": "webHooks"}
