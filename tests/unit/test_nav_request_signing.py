"""NAV's password hash, request signatures and exchange token, against NAV's own vectors."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import pytest

from shopsync.adapters.nav import requests
from shopsync.adapters.nav.schema import validate_api_message
from shopsync.adapters.nav.wire import API_NS, COMMON_NS, RequestHeader
from shopsync.domain.nav_exchange_token import (
    ExchangeTokenError,
    decrypt_exchange_token,
    encrypt_exchange_token,
)
from shopsync.domain.nav_reporting import InvoiceOperation, Software, TechnicalUser
from shopsync.domain.nav_request_signing import (
    index_hash,
    new_request_id,
    password_hash,
    request_signature,
)
from tests.nav_check import NAV_SCHEMAS
from tests.support import ROOT

SAMPLES = ROOT / "tests" / "fixtures" / "nav_api_samples"
SAMPLE_KEY = "ac-ac3a-7f661bff7d342N43CYX4U9FG"
NS = {"api": API_NS, "common": COMMON_NS}
SAMPLE_SOFTWARE = Software(
    "123456789123456789", "string", "LOCAL_SOFTWARE", "string", "string", "string", "HU", "string"
)
SAMPLE_USER = TechnicalUser("lwilsmn0uqdxe6u", "11111111", "secret", SAMPLE_KEY, "1234567890ABCDEF")


def sample(name: str) -> ET.Element:
    return ET.fromstring((SAMPLES / name).read_bytes())


def text(root: ET.Element, path: str) -> str:
    found = root.find(path, NS)
    assert found is not None and found.text is not None, path
    return found.text


def header_of(root: ET.Element) -> RequestHeader:
    return RequestHeader(
        text(root, "common:header/common:requestId"), text(root, "common:header/common:timestamp")
    )


def signature_of(xml: bytes | ET.Element) -> str:
    root = ET.fromstring(xml) if isinstance(xml, bytes) else xml
    return text(root, "common:user/common:requestSignature")


@pytest.mark.parametrize(
    "name",
    [
        "tokenExchange.xml",
        "queryTransactionStatus.xml",
        "queryInvoiceCheck.xml",
        "queryTransactionList.xml",
    ],
)
def test_a_query_signature_equals_the_official_sample_byte_for_byte(name: str) -> None:
    root = sample(name)
    header = header_of(root)

    assert request_signature(header.request_id, header.timestamp, SAMPLE_KEY) == signature_of(root)


def test_the_manage_invoice_sample_signature_and_its_index_hashes_recompute_exactly() -> None:
    raw = (SAMPLES / "manageInvoice.xml").read_text()
    root = ET.fromstring(raw)
    items = root.findall("api:invoiceOperations/api:invoiceOperation", NS)
    hashes = [
        index_hash(text(item, "api:invoiceOperation"), text(item, "api:invoiceData"))
        for item in items
    ]
    commented = re.findall(r"<(?:first|second|third)IndexHash>(\w+)<", raw)
    header = header_of(root)

    assert hashes == commented
    assert request_signature(header.request_id, header.timestamp, SAMPLE_KEY, hashes) == (
        signature_of(root)
    )


def test_the_specifications_worked_example_signs_as_printed() -> None:
    hashes = [index_hash("CREATE", "QWJjZDEyMzQ="), index_hash("MODIFY", "RGNiYTQzMjE=")]

    assert hashes[0].startswith("4317798460962869BC67F07C48EA7E4A")
    assert request_signature(
        "TSTKFT1222564", "2017-12-30T18:25:45.000Z", "ce-8f5e-215119fa7dd621DLMRHRLH2S", hashes
    ) == (
        "60BC80609EE3B8F42FE904200A49A1921A1DADA08D55319ACD40C59F626514B7"
        "4EEA49011D372600A10DBCF8199D590DA9C2841D987308F2D83DAE17C2470C42"
    )


def test_the_password_hash_is_upper_case_sha512() -> None:
    assert password_hash("password") == (
        "B109F3BBBC244EB82441917ED06D618B9008DD09B3BEFD1B5E07394C706A8BB9"
        "80B1D7785E5976EC049B46DF5F1326AF5A2EA6D103FD07C95385FFAB0CACBC86"
    )


def test_requests_built_with_the_samples_header_carry_the_samples_signature() -> None:
    token = requests.token_exchange(
        header_of(sample("tokenExchange.xml")), SAMPLE_USER, SAMPLE_SOFTWARE
    )
    status_sample = sample("queryTransactionStatus.xml")
    status = requests.transaction_status(
        header_of(status_sample), SAMPLE_USER, SAMPLE_SOFTWARE, "string"
    )

    assert signature_of(token) == signature_of(sample("tokenExchange.xml"))
    assert signature_of(status) == signature_of(status_sample)


def test_a_manage_invoice_of_the_samples_invoices_is_signed_like_the_sample() -> None:
    root = sample("manageInvoice.xml")
    operations = [
        InvoiceOperation("CREATE", f"n{i}", base64.b64decode(text(item, "api:invoiceData")))
        for i, item in enumerate(root.findall("api:invoiceOperations/api:invoiceOperation", NS))
    ]
    token = text(root, "api:exchangeToken")

    built = requests.manage_invoice(
        header_of(root), SAMPLE_USER, SAMPLE_SOFTWARE, token, operations
    )

    assert signature_of(built) == signature_of(root)


def test_every_request_the_client_builds_validates_against_invoice_api_xsd() -> None:
    header = RequestHeader(new_request_id(), "2026-03-02T09:15:00.123Z")
    invoice = (SAMPLES / "Eredeti-szamla-modositasokhoz.xml").read_bytes()
    storno = (SAMPLES / "Teves-termek-helyesbitese-20.xml").read_bytes()
    operations = [InvoiceOperation("CREATE", "ZZZ000001", invoice)]
    operations.append(InvoiceOperation("STORNO", "ZZZ000002", storno))
    built = [
        requests.token_exchange(header, SAMPLE_USER, SAMPLE_SOFTWARE),
        requests.manage_invoice(header, SAMPLE_USER, SAMPLE_SOFTWARE, "t" * 48, operations),
        requests.manage_invoice(header, SAMPLE_USER, SAMPLE_SOFTWARE, "t", operations * 50),
        requests.transaction_status(header, SAMPLE_USER, SAMPLE_SOFTWARE, "2W1RLNDX1VCZ2PJQ"),
        requests.invoice_check(header, SAMPLE_USER, SAMPLE_SOFTWARE, "INV-000042"),
    ]

    for xml in built:
        validate_api_message(xml, NAV_SCHEMAS)


def test_a_manage_invoice_takes_one_to_a_hundred_invoices() -> None:
    header = RequestHeader(new_request_id(), "2026-03-02T09:15:00.123Z")
    one = InvoiceOperation("CREATE", "A1", b"<x/>")

    with pytest.raises(ValueError, match="1 to 100"):
        requests.manage_invoice(header, SAMPLE_USER, SAMPLE_SOFTWARE, "t", [one] * 101)
    with pytest.raises(ValueError, match="1 to 100"):
        requests.manage_invoice(header, SAMPLE_USER, SAMPLE_SOFTWARE, "t", [])


def test_request_ids_are_fresh_and_within_navs_pattern() -> None:
    ids = {new_request_id() for _ in range(1000)}

    assert len(ids) == 1000
    assert all(re.fullmatch(r"[+a-zA-Z0-9_]{1,30}", request_id) for request_id in ids)


def test_the_exchange_token_decrypts_the_api_notes_openssl_vector() -> None:
    encoded = (
        "1+cMPs/E+S73PoPDrFXJd6DY9plsxhBMh3QtvNm6MBY0xC2817WutWNELz06XGf9ZOUc5BHlTVGd1Z/jc4HU9Q=="
    )

    assert decrypt_exchange_token(encoded, "1234567890ABCDEF") == (
        "b1aca173-d9e8-4561-9237-0511eed99eaa2P0ZHLXBRI2U"
    )


def test_an_exchange_token_round_trips_and_a_wrong_key_is_told() -> None:
    encoded = encrypt_exchange_token(
        "b1aca173-d9e8-4561-9237-0511eed99eaa2P0ZHLXBRI2U", "KEY0123456789ABC"
    )

    assert decrypt_exchange_token(encoded, "KEY0123456789ABC").startswith("b1aca173")
    with pytest.raises(ExchangeTokenError):
        decrypt_exchange_token(encoded, "0000000000000000")


def test_the_technical_users_secrets_never_show_in_its_repr() -> None:
    shown = repr(SAMPLE_USER)

    assert SAMPLE_KEY not in shown and "secret" not in shown and "1234567890ABCDEF" not in shown
