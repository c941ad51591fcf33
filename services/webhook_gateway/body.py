"""Parsing Shoprenter webhook bodies: multipart or urlencoded `data`, or raw JSON; JSON or XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs

import orjson

from shopsync.domain.shoprenter_values import as_list

#: Deepest nesting a webhook may have: a Shoprenter order has about six levels.
MAX_DEPTH = 32


class BodyRejected(Exception):
    """The body cannot become order events; `reason` is a bounded label for metrics."""

    def __init__(self, reason: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class WebhookPayload:
    format: Literal["json", "xml"]
    orders: list[dict[str, Any]]


def parse_body(content_type: str, body: bytes) -> WebhookPayload:
    """The orders in a webhook body, or BodyRejected saying what is wrong with it."""
    return _parse_document(_document(content_type, body))


def _document(content_type: str, body: bytes) -> bytes:
    """The JSON or XML document: the `data` field of a form, or the whole body."""
    media, params = _media_type(content_type)
    if media == "multipart/form-data":
        return _multipart_field(body, params.get("boundary", ""), "data")
    if media == "application/x-www-form-urlencoded":
        return _urlencoded_field(body, "data")
    if media in ("application/json", "text/json") or media in ("application/xml", "text/xml"):
        return body
    raise BodyRejected("unsupported_media_type", f"unsupported media type {media!r}", 415)


def _media_type(content_type: str) -> tuple[str, dict[str, str]]:
    media, _, rest = content_type.partition(";")
    pairs = (part.strip().partition("=") for part in rest.split(";"))
    params = {name.strip().lower(): value.strip().strip('"') for name, sep, value in pairs if sep}
    return media.strip().lower(), params


def _multipart_field(body: bytes, boundary: str, field: str) -> bytes:
    # Shoprenter sends one field; a direct split is far cheaper than a streaming reader.
    if not boundary or len(boundary) > 200:
        raise BodyRejected("bad_multipart", "multipart body without a usable boundary")
    delimiter = b"--" + boundary.encode("latin-1", "replace")
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, content = _head_and_content(part)
        if content is not None and _disposition_name(head) == field:
            return content[:-2] if content.endswith(b"\r\n") else content.rstrip(b"\n")
    raise BodyRejected("missing_data_field", f"multipart body has no {field!r} field")


def _head_and_content(part: bytes) -> tuple[bytes, bytes | None]:
    """A part split at its first blank line (CRLF or bare LF); no blank line, no content."""
    head, sep, content = part.partition(b"\r\n\r\n")
    if not sep:
        head, sep, content = part.partition(b"\n\n")
    return head, content if sep else None


def _disposition_name(head: bytes) -> str | None:
    for line in head.decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() != "content-disposition":
            continue
        for param in value.split(";"):
            key, sep, val = param.strip().partition("=")
            if sep and key.strip().lower() == "name":
                return val.strip().strip('"')
    return None


def _urlencoded_field(body: bytes, field: str) -> bytes:
    try:
        values = parse_qs(body.decode("utf-8"), strict_parsing=False).get(field)
    except UnicodeDecodeError as exc:
        raise BodyRejected("bad_encoding", "form body is not UTF-8") from exc
    if not values:
        raise BodyRejected("missing_data_field", f"form body has no {field!r} field")
    return values[0].encode("utf-8")


def _parse_document(data: bytes) -> WebhookPayload:
    stripped = data.lstrip()
    if stripped.startswith(b"<"):
        return WebhookPayload("xml", _orders_of(_xml_to_dict(stripped)))
    return WebhookPayload("json", _orders_of(_json_to_dict(stripped)))


def _json_to_dict(data: bytes) -> Any:
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BodyRejected("unparseable", f"data is neither JSON nor XML: {exc}") from exc
    if _depth(document) > MAX_DEPTH:
        raise BodyRejected("too_deep", f"data is nested deeper than {MAX_DEPTH} levels")
    return document


def _depth(document: Any) -> int:
    """How deep objects and arrays nest (without recursion: any depth is measured)."""
    deepest, todo = 0, [(document, 1)]
    while todo:
        value, depth = todo.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            children = value.values() if isinstance(value, dict) else value
            todo.extend((child, depth + 1) for child in children)
    return deepest


def _orders_of(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict) or not isinstance(document.get("orders"), dict):
        raise BodyRejected("missing_fields", "expected an object {'orders': {'order': [...]}}")
    orders = as_list(document["orders"].get("order"))
    if not orders:
        raise BodyRejected("missing_fields", "orders.order is empty")
    for position, order in enumerate(orders):
        _check_order(f"orders.order[{position}]", order)
    return orders


def _check_order(where: str, order: Any) -> None:
    """An object with a usable innerId and, if any, an orderHistory of a readable shape."""
    if not isinstance(order, dict):
        raise BodyRejected("wrong_types", f"{where} is not an object")
    inner_id = order.get("innerId")
    if (
        isinstance(inner_id, bool)
        or not isinstance(inner_id, (str, int))
        or not str(inner_id).strip()
    ):
        raise BodyRejected("missing_fields", f"{where}.innerId is missing")
    if len(str(inner_id)) > 100:
        raise BodyRejected("wrong_types", f"{where}.innerId is too long")
    history = order.get("orderHistory")
    if history is not None and not isinstance(history, (dict, list, str)):
        raise BodyRejected("wrong_types", f"{where}.orderHistory is malformed")


def _xml_to_dict(data: bytes) -> Any:
    try:
        root = ET.fromstring(data)  # noqa: S314
    except ET.ParseError as exc:
        raise BodyRejected("unparseable", f"data is not well-formed XML: {exc}") from exc
    return {root.tag: _element(root, 1)}


def _element(element: ET.Element, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise BodyRejected("too_deep", f"data is nested deeper than {MAX_DEPTH} levels")
    children = list(element)
    return _by_tag(children, depth + 1) if children else (element.text or "").strip()


def _by_tag(children: list[ET.Element], depth: int) -> dict[str, Any]:
    """Children by tag; a repeated tag becomes the list of its values, in document order."""
    values: dict[str, list[Any]] = {}
    for child in children:
        values.setdefault(child.tag, []).append(_element(child, depth))
    return {tag: found[0] if len(found) == 1 else found for tag, found in values.items()}
