"""Reading a shop's changed orders for reconciliation: a page of `/orderExtend`, and each
order's latest status from `/orderHistories` in one Batch API call.

`/orderExtend?full=1` embeds products, totals and the currency, so a page of 200 orders is
one request; the histories of its orders and the shop's statuses are one more (a batch of
up to 200 sub-requests), where a request per order would take a minute at 3 requests/s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from shopsync.adapters.shoprenter.batch import BatchRequest, BatchResult
from shopsync.adapters.shoprenter.client import PAGE_LIMIT, HttpShoprenterClient
from shopsync.adapters.shoprenter.errors import ShoprenterValidationError
from shopsync.adapters.shoprenter.ids import decode_id
from shopsync.adapters.shoprenter.responses import page_items
from shopsync.domain.order_reconciling import shop_time
from shopsync.domain.rest_orders import ShopStatus, latest_history, resource_id, webhook_order
from shopsync.domain.shoprenter_values import text

PAGE_NOT_FOUND = 40008
STATUS_LOOKUPS = (
    BatchRequest("GET", f"orderStatuses?full=1&limit={PAGE_LIMIT}"),
    BatchRequest("GET", f"orderStatusDescriptions?full=1&limit={PAGE_LIMIT}"),
)


@dataclass(frozen=True)
class OrderPage:
    """One page of changed orders, each shaped as its status-change webhook."""

    orders: list[dict[str, Any]]
    has_next: bool


@dataclass
class HttpShopOrders:
    """The orders of one shop changed since a moment, page by page."""

    client: HttpShoprenterClient
    page_size: int = PAGE_LIMIT

    async def changed_page(self, since: datetime, page: int) -> OrderPage:
        """Page `page` (0-based) of the orders changed since `since`, abandoned carts left out."""
        try:
            answer = await self.client.get("orderExtend", self._query(since, page))
        except ShoprenterValidationError as exc:
            if exc.inner_code == PAGE_NOT_FOUND:  # past the last page: nothing more
                return OrderPage([], False)
            raise
        orders = page_items(answer) if isinstance(answer, dict) else []
        has_next = isinstance(answer, dict) and bool(answer.get("next"))
        return OrderPage(await self._shaped(orders), has_next)

    def _query(self, since: datetime, page: int) -> dict[str, Any]:
        return {
            "full": 1,
            "limit": self.page_size,
            "page": page,
            "excludeAbandonedCart": 1,
            "updatedAtMin": shop_time(since),
        }

    async def _shaped(self, orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The orders with their latest history entries and the shop's status names."""
        if not orders:
            return []
        histories = [_history_lookup(order) for order in orders]
        results = await self.client.batch([*STATUS_LOOKUPS, *histories])
        statuses = _statuses(results[0], results[1])
        return [
            webhook_order(order, latest_history(_items(result)), statuses)
            for order, result in zip(orders, results[2:], strict=True)
        ]


def _history_lookup(order: dict[str, Any]) -> BatchRequest:
    order_id = quote(text(order.get("id")), safe="")
    return BatchRequest("GET", f"orderHistories?orderId={order_id}&full=1&limit={PAGE_LIMIT}")


def _items(result: BatchResult) -> list[Any]:
    """A collection's items from a batch answer ([] when the sub-request failed)."""
    return page_items(result.body) if result.ok and isinstance(result.body, dict) else []


def _statuses(statuses: BatchResult, descriptions: BatchResult) -> dict[str, ShopStatus]:
    """The shop's statuses by resource id: number (the webhook's `status`) and first name."""
    names: dict[str, str] = {}
    for row in _items(descriptions):
        names.setdefault(resource_id(row.get("orderStatus")), text(row.get("name")))
    return {
        text(row.get("id")): ShopStatus(_number(row), names.get(text(row.get("id")), ""))
        for row in _items(statuses)
    }


def _number(status: dict[str, Any]) -> str:
    """The status's innerId, else the number its id holds (ids as in api-notes §2.3)."""
    decoded = decode_id(text(status.get("id")))
    fallback = decoded[1].get("order_status_id", "") if decoded else ""
    return text(status.get("innerId")) or fallback
