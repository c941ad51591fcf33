"""NAV in the console over HTTP: a document's NAV state with NAV's messages, and an aborted
document sent again from the failures page as `shopsync nav resend` does (admins, audited)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shopsync.adapters.db.models import AuditEntry, NavReport
from tests.console.conftest import Console
from tests.console.facts import MISMATCH, Issued, invoice, nav_aborted

pytestmark = pytest.mark.integration


async def _aborted(console: Console) -> Issued:
    issued = await invoice(console.sessions)
    await nav_aborted(console.sessions, issued)
    return issued


async def _state(console: Console, document_id: int) -> str:
    async with console.sessions() as db:
        report = await db.get(NavReport, document_id)
        assert report is not None
        return report.state


async def test_a_document_shows_its_nav_state_and_nav_s_messages(console: Console) -> None:
    issued = await _aborted(console)
    admin = await console.logged_in(console.admin)
    _, page, _ = await admin.get(f"/documents/{issued.document_id}")
    assert "aborted" in page and MISMATCH.error_code in page
    assert "the supplier&#39;s tax number is not ours" in page and 'id="nav-resend"' in page
    viewer = await console.logged_in(console.viewer)
    _, seen, _ = await viewer.get(f"/documents/{issued.document_id}")
    assert MISMATCH.error_code in seen and 'id="nav-resend"' not in seen


async def test_an_admin_resends_an_aborted_document_it_is_pending_and_audited(
    console: Console,
) -> None:
    issued = await _aborted(console)
    admin = await console.logged_in(console.admin)
    path = f"/failures/nav/{issued.document_id}/resend"
    _, failures, _ = await admin.get("/failures")
    assert f'action="{path}"' in failures and MISMATCH.error_code in failures
    token = await admin.token("/failures")
    status, _, response = await admin.post(path, {"csrf": token})
    assert status == 303 and "pending" in response.headers["Location"]
    assert await _state(console, issued.document_id) == "pending"
    _, after, _ = await admin.get("/failures")
    assert f'action="{path}"' not in after
    again, body, _ = await admin.post(path, {"csrf": token})
    assert again == 409 and "only an aborted report is sent again" in body
    async with console.sessions() as db:
        query = select(AuditEntry).where(AuditEntry.target == f"document {issued.document_id}")
        entries = list((await db.execute(query)).scalars())
    assert [(e.action, e.operator) for e in entries] == [("resend to NAV", console.admin)]


async def test_a_resend_by_a_viewer_or_without_the_csrf_token_is_refused_and_changes_nothing(
    console: Console,
) -> None:
    issued = await _aborted(console)
    path = f"/failures/nav/{issued.document_id}/resend"
    viewer = await console.logged_in(console.viewer)
    _, failures, _ = await viewer.get("/failures")
    assert f'href="/documents/{issued.document_id}"' in failures
    assert 'class="resend"' not in failures
    assert (await viewer.post(path, {"csrf": await viewer.token("/failures")}))[0] == 403
    admin = await console.logged_in(console.admin)
    assert (await admin.post(path, {}))[0] == 403
    assert (await admin.post(path, {"csrf": "forged"}))[0] == 403
    assert await _state(console, issued.document_id) == "aborted"
