"""The shop's `/orderInvoices` and an order's status, through HttpShoprenterClient (paced and
retried as every call; a create is never resent after a lost answer)."""

from __future__ import annotations

import contextlib
from typing import Any

from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.adapters.shoprenter.errors import ShoprenterError, ShoprenterNotFound
from shopsync.adapters.shoprenter.ids import encode_id
from shopsync.adapters.shoprenter.responses import href
from shopsync.domain.document_writeback import InvoiceRow


def order_resource_id(order_ref: str) -> str:
    """The order's resource id from its innerId (api-notes §10.1: `order-order_id=127`)."""
    return encode_id("order", order_id=order_ref)


class HttpShopOrderInvoices:
    """Create, find and delete orderInvoices rows; set an order's status (§10.1, §10.2)."""

    def __init__(self, client: HttpShoprenterClient) -> None:
        self._client = client
        self._status_ids: dict[str, str] | None = None

    async def create(self, row: InvoiceRow) -> str:
        answer = await self._client.post("orderInvoices", _body(row))
        if not isinstance(answer, dict) or not answer.get("id"):
            raise ShoprenterError(self._client.access.path, "orderInvoices: no id in the answer")
        return str(answer["id"])

    async def find(self, row: InvoiceRow) -> str | None:
        """The id of the order's row with this number, if the shop has one.

        The resource documents no filter but page and limit (an unknown one might be
        refused): every row is read and matched here by order and number. Only a retry after
        a lost answer asks, so the cost of a shop with many rows is paid rarely.
        """
        wanted = f"/orders/{order_resource_id(row.order_ref)}"
        async for item in self._client.iterate("orderInvoices"):
            order = href(item.get("order")) or ""
            if order.endswith(wanted) and str(item.get("invoiceId")) == row.number:
                return str(item.get("id"))
        return None

    async def delete(self, row_id: str) -> None:
        with contextlib.suppress(ShoprenterNotFound):  # gone already
            await self._client.request("DELETE", self._client.url(f"orderInvoices/{row_id}"))

    async def set_status(self, order_ref: str, status_id: str) -> None:
        """Give the order the status whose innerId is `status_id` (PUT, safe to resend)."""
        resource = (await self._statuses()).get(status_id)
        if resource is None:
            raise ShoprenterError(self._client.access.path, f"the shop has no status {status_id}")
        body = {"orderStatus": {"id": resource}}
        await self._client.put(f"orders/{order_resource_id(order_ref)}", body)

    async def _statuses(self) -> dict[str, str]:
        """The shop's order statuses: resource id by innerId, read once per pass."""
        if self._status_ids is None:
            items = [item async for item in self._client.iterate("orderStatuses")]
            self._status_ids = {str(i.get("innerId")): str(i.get("id")) for i in items}
        return self._status_ids


def _body(row: InvoiceRow) -> dict[str, Any]:
    return {
        "invoiceId": row.number,
        "invoicePath": row.link,
        "invoiceType": row.invoice_type,
        "order": {"id": order_resource_id(row.order_ref)},
    }
