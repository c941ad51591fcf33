"""Document e-mails through a real SMTP server (aiosmtpd): sent once, retried, failures shown."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.webhook_gateway.events import order_event
from shopsync.adapters.db.models import Account, Document
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.mail.relay import MAX_ATTEMPTS, EmailRelay
from shopsync.adapters.mail.smtp import SmtpMailer
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.accounts import set_supplier
from shopsync.service_layer.document_pdf import rendered_document
from shopsync.service_layer.order_intake import OrderIntake
from shopsync.service_layer.shops import apply_settings
from tests.nav_check import TEST_SUPPLIER
from tests.pdf_tools import pdf_text
from tests.support import SAMPLE_WEBHOOK, free_port, shop_connection, unique

pytestmark = pytest.mark.integration


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # As a mail client reads it: encoded-word headers (a Hungarian subject) decoded.
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


async def issue_one(
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
    supplier: bool = True,
    **settings: Any,
) -> int:
    """An e-mailed document of the sample order; its account's supplier data set unless told."""
    async with sessions() as session:
        connection = await shop_connection(session, cipher, unique("Bolt "))
        apply_settings(connection, {"orders_email": True, "nav_zero_vat_case": "TAM", **settings})
        account = await session.get(Account, connection.account_id)
        assert account is not None
        if supplier:
            set_supplier(account, TEST_SUPPLIER)
        await session.commit()
        cid, aid = connection.id, connection.account_id
    order = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    order["innerId"] = unique("")
    outcome = await OrderIntake(order_units(sessions)).handle(
        order_event(cid, aid, order, "json", datetime.now(UTC))
    )
    assert outcome.document_id is not None
    return outcome.document_id


async def test_an_issued_invoice_is_emailed_once_with_its_pdf(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    document_id = await issue_one(sessions, cipher)
    relay = EmailRelay(
        sessions, SmtpMailer("127.0.0.1", port), "ShopSync <a@b.hu>", rendered_document
    )
    while (await relay.send_due()).sent:
        pass
    async with sessions() as session:
        document = await session.get(Document, document_id)
        downloaded = (await rendered_document(session, document_id)).pdf
    assert document is not None and document.email_status == "sent"
    mine = [m for m in inbox.messages if str(document.document_number) in str(m["Subject"])]
    assert len(mine) == 1 and mine[0]["To"] == "pterballa@gmail.com"
    parts = [p.get_content_type() for p in mine[0].walk()]
    assert "application/pdf" in parts and "text/html" in parts
    attached = [p for p in mine[0].walk() if p.get_content_type() == "application/pdf"]
    assert attached[0].get_payload(decode=True) == downloaded  # one renderer, the same bytes
    assert "Adószám: 12345678-2-41" in pdf_text(downloaded)
    assert (await relay.send_due()).sent == 0  # never twice


async def test_an_invoice_without_supplier_data_waits_unsent_and_says_what_to_set(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    document_id = await issue_one(sessions, cipher, supplier=False)
    relay = EmailRelay(sessions, SmtpMailer("127.0.0.1", port), "a@b.hu", rendered_document)
    assert (await relay.send_due()).sent == 0
    async with sessions() as session:
        document = await session.get(Document, document_id)
        assert document is not None
        assert (document.email_status, document.email_attempts) == ("retrying", 0)
        assert document.email_error and "shopsync account set" in document.email_error
        account = await session.get(Account, document.account_id)
        assert account is not None
        set_supplier(account, TEST_SUPPLIER)
        document.email_next_at = None  # as if the wait had passed
        await session.commit()
    while (await relay.send_due()).sent:
        pass
    assert [m for m in inbox.messages if str(document.document_number) in str(m["Subject"])]


async def test_a_draft_is_never_emailed(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    document_id = await issue_one(sessions, cipher, orders_draft=True)
    await EmailRelay(
        sessions, SmtpMailer("127.0.0.1", port), "a@b.hu", rendered_document
    ).send_due()
    async with sessions() as session:
        document = await session.get(Document, document_id)
    assert document is not None and document.email_status == "not_requested"
    assert inbox.messages == []


async def test_an_smtp_server_that_is_away_keeps_the_email_waiting_never_given_up(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    document_id = await issue_one(sessions, cipher)
    away = EmailRelay(
        sessions,
        SmtpMailer("127.0.0.1", free_port(), timeout_s=2),
        "a@b.hu",
        rendered_document,
        base_delay_s=0,
    )
    for _ in range(MAX_ATTEMPTS * 2):
        async with sessions() as session:  # due again at once, as if the wait had passed
            document = await session.get(Document, document_id)
            assert document is not None
            document.email_next_at = None
            await session.commit()
        await away.send_due()
    async with sessions() as session:
        document = await session.get(Document, document_id)
    assert document is not None
    assert (document.email_status, document.email_attempts) == ("retrying", 0)
    assert document.email_error and "Connect" in document.email_error
    assert document.document_number == "INV-000001"  # the document itself is untouched


class Refusing:
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        return "550 5.1.1 no such mailbox"


async def test_a_recipient_the_server_refuses_is_given_up_after_a_few_tries_and_says_why(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    document_id = await issue_one(sessions, cipher)
    port = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        relay = EmailRelay(
            sessions, SmtpMailer("127.0.0.1", port), "a@b.hu", rendered_document, base_delay_s=0
        )
        for _ in range(MAX_ATTEMPTS):
            await relay.send_due()
    finally:
        controller.stop()
    async with sessions() as session:
        document = await session.get(Document, document_id)
    assert document is not None
    assert (document.email_status, document.email_attempts) == ("failed", MAX_ATTEMPTS)
    assert document.email_error and "no such mailbox" in document.email_error


async def test_two_mailers_at_once_send_each_email_once(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher, smtp: tuple[Inbox, int]
) -> None:
    # `shopsync up --workers order-mailer=2`: both find the same due e-mails at the same time.
    inbox, port = smtp
    series = unique("TWO")
    for _ in range(6):
        await issue_one(sessions, cipher, invoice_series=series)

    def mailer() -> EmailRelay:
        return EmailRelay(
            sessions, SmtpMailer("127.0.0.1", port), "ShopSync <a@b.hu>", rendered_document
        )

    first, second = mailer(), mailer()
    await asyncio.gather(first.send_due(), second.send_due())
    while (await first.send_due()).sent:
        pass
    ours = [m for m in inbox.messages if series in str(m["Subject"])]
    assert len(ours) == 6  # each once, none twice
