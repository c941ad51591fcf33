"""In-memory shop state: tables of resources, credentials, tokens, faults and statistics."""

from __future__ import annotations

import collections
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from devtools.sandbox.resources import SPECS, ResourceSpec
from shopsync.adapters.shoprenter.ids import decode_id, encode_id
from shopsync.domain.budapest import BUDAPEST

MONEY_FIELDS = frozenset({"price", "cost", "total", "value"})
LINK_COLUMNS = {
    "products": "product_id",
    "languages": "language_id",
    "categories": "category_id",
    "customerGroups": "customer_group_id",
    "orderStatuses": "order_status_id",
}


#: Order resources carry the shop's local time, as Shoprenter writes it (api-notes §10.3 [I]).
SHOP_LOCAL_TIME = frozenset({"orders", "orderProducts", "orderTotals"})


def now_text(local: bool = False) -> str:
    return datetime.now(BUDAPEST if local else UTC).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class Row:
    resource_id: str
    inner: int
    fields: dict[str, Any]
    updated: float = field(default_factory=time.time)


class Table:
    """One resource's rows, in insertion order, addressable by resource id."""

    def __init__(self, spec: ResourceSpec) -> None:
        self.spec = spec
        self.rows: dict[str, Row] = {}
        self.next_inner = 1
        self.by_product: dict[str, list[str]] = {}  # product id → ids of its rows here

    def insert(self, fields: dict[str, Any], outer_id: str | None = None) -> Row:
        inner = self.next_inner
        self.next_inner += 1
        fields = {**self.spec.defaults, **fields}
        resource_id = outer_id or self._make_id(inner, fields)
        stamp = now_text(self.spec.endpoint in SHOP_LOCAL_TIME)
        fields.setdefault("dateCreated", stamp)
        fields["dateUpdated"] = stamp
        row = Row(resource_id, inner, fields)
        self.rows[resource_id] = row
        if isinstance(fields.get("product"), str):
            self.by_product.setdefault(fields["product"], []).append(resource_id)
        return row

    def of_product(self, product_id: str) -> list[Row]:
        return [self.rows[rid] for rid in self.by_product.get(product_id, []) if rid in self.rows]

    def _make_id(self, inner: int, fields: dict[str, Any]) -> str:
        if not self.spec.composite:
            return encode_id(self.spec.type_name, **{self.spec.column: inner})
        columns: dict[str, int | str] = {}
        for link in self.spec.composite:
            target = fields.get(link)
            decoded = decode_id(target) if isinstance(target, str) else None
            endpoint = self.spec.links[link]
            column = LINK_COLUMNS.get(endpoint, f"{link}_id")
            columns[column] = next(iter(decoded[1].values())) if decoded else str(target)
        return encode_id(self.spec.type_name, **columns)

    def update(self, row: Row, fields: dict[str, Any]) -> Row:
        row.fields.update(fields)
        row.fields["dateUpdated"] = now_text(self.spec.endpoint in SHOP_LOCAL_TIME)
        row.updated = time.time()
        return row


def normalise_value(key: str, value: Any) -> Any:
    """What Shoprenter stores: strings; money with four decimals; links as ids."""
    if isinstance(value, dict) and "id" in value:
        return str(value["id"]) if value["id"] else None
    if value is None or isinstance(value, (dict, list)):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if key in MONEY_FIELDS:
        try:
            return f"{Decimal(str(value)):.4f}"
        except InvalidOperation:
            return str(value)
    return str(value)


@dataclass
class Faults:
    latency_ms: int = 0
    fail_next: int = 0  # answer 503 to the next N requests
    throttle_next: int = 0  # answer 429 to the next N requests
    drop_next: int = 0  # close the connection on the next N requests
    drop_after_write: int = 0  # apply the next N requests that write products, then hang up
    retry_after: float | None = None  # sent with 429 when set


@dataclass
class Stats:
    requests: int = 0
    throttled: int = 0
    batch_calls: int = 0
    max_per_second: int = 0
    product_writes: int = 0
    written_skus: collections.Counter[str] = field(default_factory=collections.Counter)
    by_status: collections.Counter[int] = field(default_factory=collections.Counter)
    pages: collections.Counter[tuple[str, int, bool]] = field(
        default_factory=collections.Counter
    )  # (endpoint, page, incremental) → times served
    request_times: list[float] = field(default_factory=list)  # wall clock, for spread checks
    page_times: list[tuple[float, str, int]] = field(default_factory=list)  # (when, endpoint, page)
    webhooks_sent: int = 0
    webhooks_failed: int = 0


class SandboxShop:
    """One shop: credentials, tables and the rate limiter the real API applies."""

    def __init__(
        self,
        name: str,
        user: str,
        password: str,
        client_id: str,
        client_secret: str,
        rate_limit: float = 3.0,
        token_ttl_s: float = 3600.0,
    ) -> None:
        self.name = name
        self.user, self.password = user, password
        self.client_id, self.client_secret = client_id, client_secret
        self.rate_limit = rate_limit
        self.token_ttl_s = token_ttl_s
        self.tables = {endpoint: Table(spec) for endpoint, spec in SPECS.items()}
        self.tokens: dict[str, float] = {}
        self.faults = Faults()
        self.stats = Stats()
        self._seen: collections.deque[float] = collections.deque()
        self._accepted: collections.deque[float] = collections.deque()
        self._seed_reference_data()

    def issue_token(self) -> str:
        token = "sandbox." + secrets.token_urlsafe(24)
        self.tokens[token] = time.monotonic() + self.token_ttl_s
        return token

    def token_valid(self, token: str) -> bool:
        expiry = self.tokens.get(token)
        return expiry is not None and expiry > time.monotonic()

    def admit(self) -> bool:
        """Count a request; False when the shop's rate (per sliding second) is exhausted."""
        now = time.monotonic()
        self.stats.requests += 1
        self.stats.request_times.append(time.time())
        for window in (self._seen, self._accepted):
            while window and window[0] <= now - 1.0:
                window.popleft()
        self._seen.append(now)
        self.stats.max_per_second = max(self.stats.max_per_second, len(self._seen))
        if len(self._accepted) >= self.rate_limit:
            self.stats.throttled += 1
            return False
        self._accepted.append(now)
        return True

    def table(self, endpoint: str) -> Table:
        return self.tables[endpoint]

    def _seed_reference_data(self) -> None:
        languages = self.table("languages")
        languages.insert({"code": "hu", "name": "Magyar"})
        tax = self.table("taxClasses")
        for rate in ("27", "18", "5", "0"):
            tax.insert({"name": f"ÁFA {rate}%", "rate": f"{rate}.0000"})
        groups = self.table("customerGroups")
        groups.insert({"name": "Default", "percentDiscount": "0"})
        groups.insert({"name": "Wholesale", "percentDiscount": "0"})
        statuses = self.table("orderStatuses")
        descriptions = self.table("orderStatusDescriptions")
        language_id = next(iter(languages.rows))
        for name in ("Pending", "Processing", "Shipped", "Completed", "Cancelled", "Paid"):
            status = statuses.insert({"color": "#000000"})
            descriptions.insert(
                {"name": name, "orderStatus": status.resource_id, "language": language_id}
            )

    def language_id(self) -> str:
        return next(iter(self.table("languages").rows))

    def tax_class_for(self, rate: Decimal) -> str | None:
        for row in self.table("taxClasses").rows.values():
            if Decimal(row.fields["rate"]) == rate:
                return row.resource_id
        return None

    def status_id(self, inner: int) -> str:
        return encode_id("orderStatus", order_status_id=inner)

    def currency_id(self, code: str) -> str:
        """The resource id of the shop's currency with this ISO code (added on first use)."""
        currencies = self.table("currencies")
        for row in currencies.rows.values():
            if row.fields.get("code") == code:
                return row.resource_id
        name = {"HUF": "Forint", "EUR": "Euro"}.get(code, code)
        return currencies.insert({"name": name, "code": code, "value": "1.00000000"}).resource_id

    def status_name(self, status_id: str) -> str:
        for row in self.table("orderStatusDescriptions").rows.values():
            if row.fields.get("orderStatus") == status_id:
                return str(row.fields.get("name", ""))
        return ""


class SandboxWorld:
    """All shops of one sandbox process."""

    def __init__(self) -> None:
        self.shops: dict[str, SandboxShop] = {}

    def create_shop(self, name: str, **options: Any) -> SandboxShop:
        shop = SandboxShop(
            name,
            options.pop("user", "api"),
            options.pop("password", "secret"),
            options.pop("client_id", f"{name}-client"),
            options.pop("client_secret", "client-secret"),
            **options,
        )
        self.shops[name] = shop
        return shop
