"""The gateway's body parser: every shape Shoprenter sends, and nothing that makes it crash."""

from __future__ import annotations

import contextlib
import json
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.webhook_gateway.body import BodyRejected, parse_body
from tests.support import SAMPLE_WEBHOOK, multipart_body

SAMPLE = SAMPLE_WEBHOOK.read_bytes()


def test_multipart_data_field_as_shoprenter_sends_it_yields_the_order() -> None:
    body, content_type = multipart_body("data", SAMPLE)
    payload = parse_body(content_type, body)
    assert payload.format == "json"
    assert [order["innerId"] for order in payload.orders] == ["190"]


def test_urlencoded_data_field_and_raw_json_yield_the_same_orders() -> None:
    form = urlencode({"data": SAMPLE.decode()}).encode()
    as_form = parse_body("application/x-www-form-urlencoded", form)
    as_json = parse_body("application/json; charset=utf-8", SAMPLE)
    assert as_form.orders == as_json.orders


def test_single_order_object_instead_of_a_list_is_accepted() -> None:
    document = json.loads(SAMPLE)
    document["orders"]["order"] = document["orders"]["order"][0]
    payload = parse_body("application/json", json.dumps(document).encode())
    assert len(payload.orders) == 1


def test_php_escaped_json_with_slashes_and_unicode_escapes_parses() -> None:
    raw = (
        b'{"orders":{"order":[{"innerId":"7","paymentCity":"P\\u00e9cs",'
        b'"innerResourceId":"orders\\/x"}]}}'
    )
    payload = parse_body("application/json", raw)
    assert payload.orders[0]["paymentCity"] == "Pécs"


def test_xml_webhook_is_read_into_the_same_shape() -> None:
    xml = (
        b"<orders><order><innerId>55</innerId><orderHistory><status>2</status></orderHistory>"
        b"</order></orders>"
    )
    body, content_type = multipart_body("data", xml)
    payload = parse_body(content_type, body)
    assert payload.format == "xml"
    assert payload.orders[0]["innerId"] == "55"


@pytest.mark.parametrize(
    ("content_type", "body", "reason", "status"),
    [
        ("text/plain", b"hello", "unsupported_media_type", 415),
        ("application/json", b"{not json", "unparseable", 400),
        ("application/json", b'{"orders": {"order": []}}', "missing_fields", 400),
        ("application/json", b'{"orders": {"order": [{"name": "x"}]}}', "missing_fields", 400),
        ("application/json", b'{"orders": {"order": ["x"]}}', "wrong_types", 400),
        ("application/json", b"[]", "missing_fields", 400),
        ("multipart/form-data", b"--x\r\n", "bad_multipart", 400),
        ("application/x-www-form-urlencoded", b"other=1", "missing_data_field", 400),
    ],
)
def test_bad_bodies_are_rejected_with_a_reason(
    content_type: str, body: bytes, reason: str, status: int
) -> None:
    with pytest.raises(BodyRejected) as caught:
        parse_body(content_type, body)
    assert (caught.value.reason, caught.value.status) == (reason, status)
    assert str(caught.value)


CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "multipart/form-data; boundary=XyZ",
        "multipart/form-data",
        "application/x-www-form-urlencoded",
        "text/xml",
        "application/xml",
        "",
        "image/png",
    ]
)


@settings(max_examples=400, deadline=None)
@given(content_type=CONTENT_TYPES, body=st.binary(max_size=2048))
def test_arbitrary_bytes_never_raise_anything_but_a_rejection(
    content_type: str, body: bytes
) -> None:
    with contextlib.suppress(BodyRejected):
        parse_body(content_type, body)


@settings(max_examples=300, deadline=None)
@given(cut=st.integers(min_value=0, max_value=len(SAMPLE)), junk=st.binary(max_size=20))
def test_truncated_or_mangled_shoprenter_payloads_never_crash(cut: int, junk: bytes) -> None:
    mangled = SAMPLE[:cut] + junk
    body, content_type = multipart_body("data", mangled)
    try:
        payload = parse_body(content_type, body)
    except BodyRejected:
        return
    assert all(isinstance(order, dict) for order in payload.orders)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10) | st.floats(allow_nan=False),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(
    order=st.dictionaries(
        st.sampled_from(["innerId", "orderHistory", "orderProducts", "x"]), JSONISH, max_size=4
    )
)
def test_orders_with_wrong_types_are_rejected_or_accepted_never_crash(order: dict) -> None:
    raw = json.dumps({"orders": {"order": [order]}}).encode()
    with contextlib.suppress(BodyRejected):
        parse_body("application/json", raw)
