"""A document's kind, state and e-mail state read as words in the chosen language, not as the
codes stored in the database; an e-mail that failed shows why."""

from __future__ import annotations

import pytest

from shopsync.adapters.db.models import Document
from tests.console.conftest import Console
from tests.console.facts import invoice

pytestmark = pytest.mark.integration


async def test_documents_name_kind_state_and_email_in_english_and_hungarian(
    console: Console,
) -> None:
    issued = await invoice(console.sessions)
    async with console.sessions() as db:
        document = await db.get(Document, issued.document_id)
        assert document is not None
        # failed for good (a "retrying" one would be due: another test's mailer would send it)
        document.email_status, document.email_error = "failed", "SMTP 550: mailbox unavailable"
        await db.commit()
    viewer = await console.logged_in(console.viewer)
    _, listed, _ = await viewer.get(f"/documents?number={issued.number}")
    assert "in force" in listed and ">failed<" in listed and ">live<" not in listed
    _, shown, _ = await viewer.get(f"/documents/{issued.document_id}")
    assert "invoice" in shown and "in force" in shown and "SMTP 550: mailbox unavailable" in shown

    csrf = await viewer.token("/documents")
    await viewer.post("/language", {"to": "hu", "back": "/documents", "csrf": csrf})
    _, listed, _ = await viewer.get(f"/documents?number={issued.number}")
    assert "számla" in listed and "érvényes" in listed and ">sikertelen<" in listed
    assert '<option value="proforma" >díjbekérő</option>' in listed  # filters say it too
