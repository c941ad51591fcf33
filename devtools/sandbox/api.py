"""The API's behaviour over a SandboxShop: collections, single resources, writes, batch."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from devtools.sandbox import order_invoices, order_rest, webhooks
from devtools.sandbox.resources import ENDPOINT_ALIASES, SPECS
from devtools.sandbox.store import Row, SandboxShop, Table, normalise_value
from shopsync.adapters.shoprenter.ids import decode_id

EXTEND_LISTS = {
    "productDescriptions": "productDescriptions",
    "productSpecials": "productSpecials",
    "productCategoryRelations": "productCategoryRelations",
    "customerGroupProductPrices": "customerGroupProductPrices",
}
DEFAULT_LIMIT = 25
EXTENDED = {"products": "productExtend", "orders": "orderExtend"}  # resource → its Extend


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


def error(status: int, code: int | None, message: str) -> Answer:
    body: dict[str, Any] = {"message": message}
    if code is not None:
        body["code"] = code
    return Answer(status, body)


class SandboxApi:
    """Dispatches one request against one shop; `base` is the URL hrefs are built on."""

    def __init__(self, shop: SandboxShop, base: str) -> None:
        self.shop = shop
        self.base = base.rstrip("/")

    def handle(self, method: str, path: str, query: dict[str, str], body: Any) -> Answer:
        parts = [p for p in path.strip("/").split("/") if p]
        if not parts:
            return error(404, 40401, "Resource not found!")
        endpoint = ENDPOINT_ALIASES.get(parts[0], parts[0])
        resource_id = parts[1] if len(parts) > 1 else None
        if endpoint == "batch" and method == "POST":
            return self.batch(body)
        if endpoint == "productExtend":
            return self.product_extend(method, resource_id, query, body)
        if endpoint == "orderExtend":
            return order_rest.order_extend(self, method, resource_id, query)
        if endpoint not in SPECS:
            return error(404, 40401, f"Resource not found! {endpoint}")
        table = self.shop.table(endpoint)
        if method == "GET":
            return (
                self.get_one(table, resource_id)
                if resource_id
                else self.collection(table, endpoint, query)
            )
        if method == "DELETE" and resource_id:
            return self.delete(table, resource_id)
        if method in ("POST", "PUT"):
            if not table.spec.writable:
                return error(405, None, "Method not allowed")
            return self.write(table, method, resource_id, body)
        return error(405, None, "Method not allowed")

    # -- reading -----------------------------------------------------------------------------
    def render(self, table: Table, row: Row, extend: bool = False) -> dict[str, Any]:
        spec = table.spec
        endpoint = EXTENDED.get(spec.endpoint, spec.endpoint) if extend else spec.endpoint
        out: dict[str, Any] = {
            "href": f"{self.base}/{endpoint}/{row.resource_id}",
            "id": row.resource_id,
            "innerId": str(row.inner),
        }
        for key, value in row.fields.items():
            if key.startswith("_"):
                continue
            if key in spec.links:
                out[key] = {"href": f"{self.base}/{spec.links[key]}/{value}"} if value else None
            else:
                out[key] = value
        for key, (child, param) in spec.child_links.items():
            out[key] = {"href": f"{self.base}/{child}?{param}={row.resource_id}"}
        if extend and spec.endpoint == "orders":
            return order_rest.extended(self, out, row)
        if extend:
            for key, child in EXTEND_LISTS.items():
                child_table = self.shop.table(child)
                out[key] = [
                    self.render(child_table, r) for r in child_table.of_product(row.resource_id)
                ]
        if spec.endpoint == "orderInvoices":
            return order_invoices.rendered(out)
        return webhooks.rendered(out, listed=False) if spec.endpoint == "webHooks" else out

    def get_one(self, table: Table, resource_id: str, extend: bool = False) -> Answer:
        row = table.rows.get(resource_id)
        if row is None:
            return error(404, 40401, f"Resource not found! {table.spec.endpoint}/{resource_id}")
        return Answer(200, self.render(table, row, extend))

    def matching(self, table: Table, query: dict[str, str]) -> list[Row]:
        rows = list(table.rows.values())
        for param, field in table.spec.filters.items():
            if param in query:
                wanted = query[param]
                rows = [r for r in rows if _matches(r, field, wanted)]
        if "updatedAfter" in query:
            rows = [
                r for r in rows if str(r.fields.get("dateUpdated", "")) >= query["updatedAfter"]
            ]
        if "updatedAtMin" in query:
            rows = [
                r for r in rows if str(r.fields.get("dateUpdated", "")) >= query["updatedAtMin"]
            ]
        return order_rest.order_filters(rows, query) if table.spec.endpoint == "orders" else rows

    def collection(
        self, table: Table, endpoint: str, query: dict[str, str], extend: bool = False
    ) -> Answer:
        try:
            page = int(query.get("page", 0))
            limit = min(max(int(query.get("limit", DEFAULT_LIMIT)), 1), 200)
        except ValueError:
            return error(400, 40010, "The given parameter: page/limit is not available!")
        rows = self.matching(table, query)
        self.shop.stats.pages[(endpoint, page, "updatedAfter" in query)] += 1
        self.shop.stats.page_times.append((time.time(), endpoint, page))
        page_count = max(1, math.ceil(len(rows) / limit))
        if page < 0 or page >= page_count:
            return error(
                400,
                40008,
                "Page not found! This Resource minimum page is 0 and "
                f"maximum page is {page_count - 1}",
            )
        full = query.get("full") in ("1", "true")
        chunk = rows[page * limit : (page + 1) * limit]
        items = [
            self.render(table, r, extend)
            if full
            else {"href": f"{self.base}/{endpoint}/{r.resource_id}"}
            for r in chunk
        ]

        def link(number: int) -> dict[str, str]:
            params = {**query, "page": str(number), "limit": str(limit)}
            return {"href": f"{self.base}/{endpoint}?{urlencode(params)}"}

        return Answer(
            200,
            {
                "href": link(page)["href"],
                "page": str(page),
                "pageCount": str(page_count),
                "limit": str(limit),
                "first": link(0),
                "previous": link(page - 1) if page > 0 else None,
                "next": link(page + 1) if page + 1 < page_count else None,
                "last": link(page_count - 1),
                "items": items,
            },
        )

    # -- writing -----------------------------------------------------------------------------
    def write(self, table: Table, method: str, resource_id: str | None, body: Any) -> Answer:
        data = unwrap(body)
        if data is None:
            return error(400, 40001, "Data parameter not found in POST/PUT!")
        fields = {
            k: normalise_value(k, v) for k, v in data.items() if k not in ("id", "href", "innerId")
        }
        is_new_product = table.spec.endpoint == "products" and not resource_id
        if is_new_product and method == "POST" and not fields.get("sku"):
            return error(400, 40003, "The following fields are required: sku!")
        row = table.rows.get(resource_id) if resource_id else None
        creating = row is None and method == "POST"
        if table.spec.endpoint == "webHooks" and (why := webhooks.problem(fields, creating)):
            return error(400, 40003, why)
        if table.spec.endpoint == "orderInvoices" and (
            why := order_invoices.problem(self.shop, fields, creating)
        ):
            return error(400, 40003, why)
        if row is None:
            if method == "PUT":
                return error(404, 40007, f"The given resource id is wrong: {resource_id}!")
            row = table.insert(fields, outer_id=resource_id)
            self._count_write(table, row)
            return Answer(201, self._written(table, row))
        table.update(row, fields)
        self._count_write(table, row)
        return Answer(200, self._written(table, row))

    def _written(self, table: Table, row: Row) -> dict[str, Any]:
        """A write's answer: the row, a webhook's parameters as the array it was sent."""
        out = self.render(table, row)
        return webhooks.rendered(out, listed=True) if table.spec.endpoint == "webHooks" else out

    def _count_write(self, table: Table, row: Row) -> None:
        if table.spec.endpoint == "products":
            self.shop.stats.product_writes += 1
            self.shop.stats.written_skus[str(row.fields.get("sku", ""))] += 1

    def delete(self, table: Table, resource_id: str) -> Answer:
        if table.rows.pop(resource_id, None) is None:
            return error(404, 40401, f"Resource not found! {resource_id}")
        return Answer(204, None)

    def product_extend(
        self, method: str, resource_id: str | None, query: dict[str, str], body: Any
    ) -> Answer:
        products = self.shop.table("products")
        if method == "GET":
            if resource_id:
                return self.get_one(products, resource_id, extend=True)
            return self.collection(products, "productExtend", query, extend=True)
        if method not in ("POST", "PUT"):
            return error(405, None, "Method not allowed")
        data = unwrap(body)
        if data is None:
            return error(400, 40001, "Data parameter not found in POST/PUT!")
        if "sku" in query and not resource_id:
            found = [r for r in products.rows.values() if r.fields.get("sku") == query["sku"]]
            if not found:
                return error(404, 40033, f"Product not found with sku: {query['sku']}")
            resource_id = found[0].resource_id
        lists = {k: data.pop(k) for k in list(data) if k in EXTEND_LISTS}
        answer = self.write(products, "PUT" if resource_id else "POST", resource_id, data)
        if answer.status >= 300:
            return answer
        product_id = answer.body["id"]
        for key, items in lists.items():
            child = self.shop.table(EXTEND_LISTS[key])
            if method == "PUT":  # PUT replaces the lists it is given
                for rid in [
                    r.resource_id
                    for r in child.rows.values()
                    if r.fields.get("product") == product_id
                ]:
                    del child.rows[rid]
            for item in items if isinstance(items, list) else [items]:
                if isinstance(item, dict):
                    fields = {k: normalise_value(k, v) for k, v in item.items() if k != "id"}
                    fields["product"] = product_id
                    child.insert(fields)
        return (
            self.get_one(products, product_id, extend=True)
            if answer.status == 200
            else (Answer(201, self.get_one(products, product_id, extend=True).body))
        )

    # -- batch -------------------------------------------------------------------------------
    def batch(self, body: Any) -> Answer:
        data = unwrap(body)
        requests = data.get("requests") if isinstance(data, dict) else None
        if not isinstance(requests, list):
            return error(400, 40001, "Data parameter not found in POST/PUT!")
        self.shop.stats.batch_calls += 1
        results = []
        for item in requests:
            method = str(item.get("method", "GET")).upper() if isinstance(item, dict) else "GET"
            uri = str(item.get("uri", "")) if isinstance(item, dict) else ""
            split = urlsplit(uri)
            path = split.path
            base_path = urlsplit(self.base).path
            if path.startswith(base_path):
                path = path[len(base_path) :]
            sub = self.handle(
                method,
                path,
                dict(parse_qsl(split.query)),
                item.get("data") if isinstance(item, dict) else None,
            )
            results.append(
                {
                    "method": method,
                    "uri": uri,
                    "response": {
                        "header": {"statusCode": str(sub.status)},
                        "body": sub.body if sub.body is not None else {},
                    },
                }
            )
        return Answer(200, {"requests": {"request": results}})


def unwrap(body: Any) -> dict[str, Any] | None:
    """Shoprenter accepts fields at the top level or under `data`."""
    if not isinstance(body, dict) or not body:
        return None
    inner = body.get("data")
    if isinstance(inner, dict) and len(body) == 1:
        return dict(inner)
    return dict(body)


def _matches(row: Row, field: str, wanted: str) -> bool:
    if field == "innerId":
        return str(row.inner) == wanted
    value = row.fields.get(field)
    if value == wanted:
        return True
    decoded = decode_id(value) if isinstance(value, str) else None
    return bool(decoded and wanted in decoded[1].values())
