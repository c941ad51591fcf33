"""Asynchronous processing, as NAV does it: RECEIVED, then PROCESSING, then DONE or ABORTED.

A transaction is processed once its delay has passed, at the next request that looks (so
the outcome depends only on the order of arrival, never on a timer): its invoices in index
order, each checked against what the taxpayer holds at that moment.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from datetime import datetime, timedelta

from devtools.nav_sandbox.invoice_checks import (
    NS,
    Holdings,
    Submitted,
    business_messages,
    number_of,
    schema_problem,
    text,
)
from devtools.nav_sandbox.world import Item, NavWorld, Reported, Transaction
from shopsync.domain.nav_reporting import InvoiceStatus, ValidationMessage


def receive(world: NavWorld, tax_number: str, items: list[Item]) -> Transaction:
    """Register a manageInvoice's invoices as one transaction; count each CREATE by number."""
    transaction = Transaction(world.new_transaction_id(), tax_number, world.clock(), items)
    world.transactions[transaction.transaction_id] = transaction
    for item in items:
        if item.operation == "CREATE":
            world.creates[(tax_number, _number(item.invoice_data))] += 1
    return transaction


def process_due(world: NavWorld) -> None:
    """Process every transaction whose delay has passed, in the order they arrived."""
    now, delay = world.clock(), timedelta(seconds=world.settings.processing_delay_s)
    for transaction in world.transactions.values():
        if not transaction.processed and now >= transaction.received_at + delay:
            _process(world, transaction)


def status_of(world: NavWorld, transaction: Transaction, now: datetime) -> list[Item]:
    """The transaction's items with the status a query sees now."""
    if not transaction.processed:
        half = timedelta(seconds=world.settings.processing_delay_s / 2)
        state: InvoiceStatus = "PROCESSING" if now >= transaction.received_at + half else "RECEIVED"
        for item in transaction.items:
            item.status = state
    return transaction.items


def _process(world: NavWorld, transaction: Transaction) -> None:
    numbers = Counter(_number(item.invoice_data) for item in transaction.items)
    for item in transaction.items:
        if numbers[_number(item.invoice_data)] > 1:
            item.messages = (_duplicate_in_request(),)
        else:
            item.messages = _check(world, transaction.tax_number, item)
        failed = any(m.result_code in ("ERROR", "CRITICAL") for m in item.messages)
        item.status = "ABORTED" if failed else "DONE"
        if not failed:
            _hold(world, transaction.tax_number, item)
    transaction.processed = True


def _check(world: NavWorld, tax_number: str, item: Item) -> tuple[ValidationMessage, ...]:
    problem = schema_problem(item.invoice_data)
    if problem is not None:
        return (problem,)
    invoice = Submitted(
        item.operation, _parse(item.invoice_data), tax_number, world.settings.amount_check_level
    )
    return business_messages(invoice, _holdings(world, tax_number))


def _holdings(world: NavWorld, tax_number: str) -> Holdings:
    def taken(original: str, index: str) -> bool:
        return any(
            held.original == original and str(held.modification_index) == index
            for (tax, _), held in world.invoices.items()
            if tax == tax_number
        )

    return Holdings(lambda number: world.invoices.get((tax_number, number)), taken)


def _hold(world: NavWorld, tax_number: str, item: Item) -> None:
    root = _parse(item.invoice_data)
    reference = root.find("d:invoiceMain/d:invoice/d:invoiceReference", NS)
    original = None if reference is None else text(reference, "d:originalInvoiceNumber")
    index = None if reference is None else int(text(reference, "d:modificationIndex") or 0)
    number = number_of(root)
    world.invoices[(tax_number, number)] = Reported(number, item.operation, original, index)


def _duplicate_in_request() -> ValidationMessage:
    return ValidationMessage(
        "technical", "ERROR", "DUPLICATE_IN_REQUEST", "the invoice number is twice in the request"
    )


def _parse(xml: bytes) -> ET.Element:
    # The sandbox's own callers' invoices, already schema-checked (defusing is NAV's job).
    return ET.fromstring(xml)  # noqa: S314


def _number(xml: bytes) -> str:
    try:
        return number_of(_parse(xml))
    except ET.ParseError:
        return ""
