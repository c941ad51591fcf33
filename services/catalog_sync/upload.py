"""Catalog upload: new or changed local products to the shop, by SKU, through the Batch API.

Only products whose content hash differs from what was last exchanged with this shop go out
(never those of excluded groups); unlinked products are first looked up by SKU, so an
existing shop product is overwritten rather than duplicated. A failed item keeps its old hash
and its reason, and is tried again next cycle.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.catalog_sync.upload_requests import language_id, request
from shopsync.adapters.db.models import ProductLink, ShopConnection
from shopsync.adapters.db.sync_runs import SqlAlchemySyncRuns, add_run
from shopsync.adapters.shoprenter.client import BatchResult, HttpShoprenterClient
from shopsync.adapters.shoprenter.errors import ShoprenterUnavailable
from shopsync.domain.catalog import PlannedUpload, UploadAction
from shopsync.domain.sync_runs import CATALOG_UPLOAD, FinishedRun, run_until
from shopsync.service_layer.catalog_plan import product_links, upload_plan
from shopsync.service_layer.ports import SyncRunLog

log = logging.getLogger(__name__)
CREATE_ATTEMPTS = 3  # sends of a plan whose answers were lost, each after a fresh SKU lookup


@dataclass
class UploadReport:
    created: int = 0
    overwritten: int = 0
    skipped_excluded: int = 0
    skipped_unchanged: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # sku → Shoprenter's reason
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class CatalogUploader:
    """Plans and runs one upload cycle for one connection."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._history: SyncRunLog = SqlAlchemySyncRuns(sessions)

    async def plan(self, connection_id: int) -> list[PlannedUpload]:
        """What the next cycle would create, overwrite or skip; reads only the database."""
        async with self._sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
            assert connection is not None
            return await upload_plan(session, connection)

    async def run(self, connection_id: int, client: HttpShoprenterClient) -> UploadReport:
        """One cycle, left in the sync history: beside the links it wrote, or on its own."""
        report = UploadReport()
        try:
            sent = await self._run(connection_id, client, report)
        except Exception:
            await self._history.record(connection_id, _run(report, ok=False))
            raise
        if not sent:
            await self._history.record(connection_id, _run(report, ok=True))
        return report

    async def _run(
        self, connection_id: int, client: HttpShoprenterClient, report: UploadReport
    ) -> bool:
        """The plan sent and its answers recorded; False when there was nothing to send."""
        plan = await self.plan(connection_id)
        _count_skips(plan, report)
        todo = [p for p in plan if p.action in (UploadAction.CREATE, UploadAction.OVERWRITE)]
        if not todo:
            return False
        with_specials = await self._exchanges_sale_prices(connection_id)
        language = await language_id(client)
        todo, results = await _send(client, todo, language, with_specials)
        await self._record(connection_id, todo, results, report)
        return True

    async def _exchanges_sale_prices(self, connection_id: int) -> bool:
        async with self._sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
            assert connection is not None
            return connection.products_sale_price_group_id is not None

    async def _record(
        self,
        connection_id: int,
        todo: list[PlannedUpload],
        results: list[BatchResult],
        report: UploadReport,
    ) -> None:
        """Each answer onto the product's link: its shop id and hash, or why the shop refused."""
        async with self._sessions() as session:
            links = await product_links(session, connection_id)
            for planned, result in zip(todo, results, strict=True):
                link = _link(session, links, connection_id, planned.product.product_id)
                _note(link, planned, result, report)
            await add_run(session, connection_id, _run(report, ok=not report.failed))
            await session.commit()


def _count_skips(plan: list[PlannedUpload], report: UploadReport) -> None:
    """The products the plan skips, counted on the cycle's report."""
    report.skipped_excluded = sum(p.action == UploadAction.SKIP_EXCLUDED for p in plan)
    report.skipped_unchanged = sum(p.action == UploadAction.SKIP_UNCHANGED for p in plan)


def _run(report: UploadReport, ok: bool) -> FinishedRun:
    return run_until(CATALOG_UPLOAD, report.started_at, datetime.now(UTC), ok)


def _link(
    session: AsyncSession, links: dict[int, ProductLink], connection_id: int, product_id: int
) -> ProductLink:
    """The product's link to the shop; a new, not yet linked one when it has none."""
    link = links.get(product_id)
    if link is None:
        link = ProductLink(connection_id=connection_id, product_id=product_id, remote_id="")
        session.add(link)
    return link


def _note(
    link: ProductLink, planned: PlannedUpload, result: BatchResult, report: UploadReport
) -> None:
    """A refusal keeps the old hash (tried again next cycle); a success stores what was sent."""
    if not result.ok:
        link.last_error = f"{result.status} {result.reason}"[:1000]
        report.failed[planned.product.sku] = link.last_error
        return
    body = result.body if isinstance(result.body, dict) else {}
    link.remote_id = str(body.get("id") or planned.remote_id)
    link.uploaded_hash = planned.content_hash
    link.last_error = None
    if planned.action == UploadAction.CREATE:
        report.created += 1
    else:
        report.overwritten += 1


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
            return todo, await client.batch([request(p, language, with_specials) for p in todo])
        except ShoprenterUnavailable as exc:
            if attempt == CREATE_ATTEMPTS:
                raise
            attempt += 1
            log.info("upload answer lost (%s): looking the SKUs up before sending again", exc)
