"""Catalog upload: new or changed local products to the shop, by SKU, through the Batch API.

Only products whose content hash differs from what was last exchanged with this shop go out
(never those of excluded groups); unlinked products are first looked up by SKU, so an
existing shop product is overwritten rather than duplicated. A failed item keeps its old hash
and its reason, and is tried again next cycle.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import Price, Product, ProductLink, ShopConnection
from shopsync.adapters.shoprenter.client import BatchRequest, BatchResult, HttpShoprenterClient
from shopsync.adapters.shoprenter.errors import ShoprenterUnavailable
from shopsync.adapters.shoprenter.mapping import price_text
from shopsync.domain.catalog import (
    LocalProduct,
    PlannedUpload,
    ShopSide,
    UploadAction,
    plan_upload,
)

log = logging.getLogger(__name__)
CREATE_ATTEMPTS = 3  # sends of a plan whose answers were lost, each after a fresh SKU lookup


@dataclass
class UploadReport:
    created: int = 0
    overwritten: int = 0
    skipped_excluded: int = 0
    skipped_unchanged: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # sku → Shoprenter's reason


class CatalogUploader:
    """Plans and runs one upload cycle for one connection."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def plan(self, connection_id: int) -> list[PlannedUpload]:
        """What the next cycle would create, overwrite or skip; reads only the database."""
        async with self._sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
            assert connection is not None
            products = await _local_products(session, connection)
            links = {
                link.product_id: ShopSide(link.remote_id, link.uploaded_hash)
                for link in (
                    await session.execute(
                        select(ProductLink).where(ProductLink.connection_id == connection_id)
                    )
                ).scalars()
            }
            excluded = set(connection.products_excluded_group_ids or [])
            with_sale = connection.products_sale_price_group_id is not None
        return plan_upload(products, links, excluded, with_sale)

    async def run(self, connection_id: int, client: HttpShoprenterClient) -> UploadReport:
        plan = await self.plan(connection_id)
        report = UploadReport(
            skipped_excluded=sum(p.action == UploadAction.SKIP_EXCLUDED for p in plan),
            skipped_unchanged=sum(p.action == UploadAction.SKIP_UNCHANGED for p in plan),
        )
        todo = [p for p in plan if p.action in (UploadAction.CREATE, UploadAction.OVERWRITE)]
        if not todo:
            return report
        async with self._sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
            assert connection is not None
            with_specials = connection.products_sale_price_group_id is not None
        language = await _language_id(client)
        todo, results = await _send(client, todo, language, with_specials)
        await self._record(connection_id, todo, results, report)
        return report

    async def _record(
        self,
        connection_id: int,
        todo: list[PlannedUpload],
        results: list[BatchResult],
        report: UploadReport,
    ) -> None:
        async with self._sessions() as session:
            links = {
                link.product_id: link
                for link in (
                    await session.execute(
                        select(ProductLink).where(ProductLink.connection_id == connection_id)
                    )
                ).scalars()
            }
            for planned, result in zip(todo, results, strict=True):
                product_id = planned.product.product_id
                link = links.get(product_id)
                if link is None:
                    link = ProductLink(
                        connection_id=connection_id, product_id=product_id, remote_id=""
                    )
                    session.add(link)
                if not result.ok:
                    link.last_error = f"{result.status} {result.reason}"[:1000]
                    report.failed[planned.product.sku] = link.last_error
                    continue
                body = result.body if isinstance(result.body, dict) else {}
                link.remote_id = str(body.get("id") or planned.remote_id)
                link.uploaded_hash = planned.content_hash
                link.last_error = None
                if planned.action == UploadAction.CREATE:
                    report.created += 1
                else:
                    report.overwritten += 1
            await session.commit()


async def _local_products(session: AsyncSession, connection: ShopConnection) -> list[LocalProduct]:
    rows = (
        await session.execute(
            select(Product).where(Product.account_id == connection.account_id).order_by(Product.id)
        )
    ).scalars()
    selling = await _prices(session, connection.products_selling_price_group_id)
    sale = await _prices(session, connection.products_sale_price_group_id)
    return [
        LocalProduct(
            product.id,
            product.sku,
            product.name,
            product.group_id,
            selling.get(product.id, product.net_price),
            sale.get(product.id),
        )
        for product in rows
    ]


async def _prices(session: AsyncSession, group_id: int | None) -> dict[int, Decimal]:
    if group_id is None:
        return {}
    rows = await session.execute(
        select(Price.product_id, Price.net_price).where(Price.price_group_id == group_id)
    )
    return {r[0]: r[1] for r in rows}


async def _resolve_by_sku(
    client: HttpShoprenterClient, todo: list[PlannedUpload]
) -> list[PlannedUpload]:
    """SKU is the key: an unlinked product that the shop already has is overwritten."""
    unlinked = [p for p in todo if p.action == UploadAction.CREATE]
    if not unlinked:
        return todo
    found = await client.find_product_ids([p.product.sku for p in unlinked])
    return [
        PlannedUpload(p.product, UploadAction.OVERWRITE, found[p.product.sku], p.content_hash)
        if p.action == UploadAction.CREATE and p.product.sku in found
        else p
        for p in todo
    ]


async def _send(
    client: HttpShoprenterClient, todo: list[PlannedUpload], language: str, with_specials: bool
) -> tuple[list[PlannedUpload], list[BatchResult]]:
    """Send the plan; when an answer is lost, look the SKUs up again before sending creates.

    A create the shop applied before the connection dropped is then found by its SKU and
    overwritten, never created a second time.
    """
    attempt = 1
    while True:
        todo = await _resolve_by_sku(client, todo)
        try:
            return todo, await client.batch([_request(p, language, with_specials) for p in todo])
        except ShoprenterUnavailable as exc:
            if attempt == CREATE_ATTEMPTS:
                raise
            attempt += 1
            log.info("upload answer lost (%s): looking the SKUs up before sending again", exc)


async def _language_id(client: HttpShoprenterClient) -> str:
    page = await client.get("languages", {"full": 1, "limit": 200})
    items = [i for i in (page.get("items") or []) if isinstance(i, dict)]
    hungarian = next((i for i in items if i.get("code") == "hu"), items[0] if items else {})
    return str(hungarian.get("id", ""))


def _request(planned: PlannedUpload, language: str, with_specials: bool) -> BatchRequest:
    product = planned.product
    body: dict[str, Any] = {
        "price": price_text(product.net_price),
        "productDescriptions": [{"name": product.name, "language": {"id": language}}],
    }
    if with_specials:
        body["productSpecials"] = (
            []
            if product.sale_price is None
            else [
                {
                    "price": price_text(product.sale_price),
                    "priority": "1",
                    "minQuantity": "0",
                    "maxQuantity": "0",
                }
            ]
        )
    if planned.action == UploadAction.CREATE:
        return BatchRequest("POST", "productExtend", {"sku": product.sku, "status": "1", **body})
    return BatchRequest("PUT", f"productExtend/{planned.remote_id}", body)
