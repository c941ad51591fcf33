"""Reading a request as NAV does: well-formed, the right root, schema-valid, then who sent it.

Each failure is the `Refusal` NAV answers with: its HTTP status and errorCode (SPEC §3.2,
api-notes §6.1), a GeneralExceptionResponse for what is not even XML of the right kind.
Authentication checks versions, the timestamp window, login and password hash, the user's
tax number, the request signature and the request id, in that order.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from devtools.nav_sandbox.world import NavWorld
from shopsync.adapters.nav.schema import NavSchemaError, validate_api_message
from shopsync.adapters.nav.wire import api, common
from shopsync.domain.nav_reporting import TechnicalUser
from shopsync.domain.nav_request_signing import request_signature


class Refusal(Exception):
    """NAV's synchronous error answer: HTTP status, errorCode, message."""

    def __init__(self, http_status: int, code: str, message: str, exception: bool = False) -> None:
        super().__init__(f"{http_status} {code}: {message}")
        self.http_status, self.code, self.message = http_status, code, message
        self.exception = exception  # answered as GeneralExceptionResponse (not even our XML)


@dataclass(frozen=True)
class Caller:
    """An authenticated request: its root, its technical user and its request id."""

    root: ET.Element
    user: TechnicalUser
    request_id: str


def parse_request(body: bytes, operation: str) -> ET.Element:
    """The request's root, if it is well-formed XML rooted at `<operation>Request`."""
    try:
        root = ET.fromstring(body)  # noqa: S314  (a dev tool: its callers are our tests)
    except ET.ParseError as exc:
        raise Refusal(400, "INVALID_REQUEST", f"not well-formed XML: {exc}", True) from exc
    expected = api(operation[0].upper() + operation[1:] + "Request")
    if root.tag != expected:
        raise Refusal(400, "INVALID_REQUEST", f"{root.tag} is not {expected}", True)
    return root


def check_schema(body: bytes) -> None:
    """INVALID_REQUEST unless the request is valid against invoiceApi.xsd."""
    try:
        validate_api_message(body)
    except NavSchemaError as exc:
        raise Refusal(400, "INVALID_REQUEST", f"schema violation: {exc}"[:1024]) from exc


def field(root: ET.Element, path: str) -> ET.Element:
    found = root.find(path)
    if found is None:  # the schema requires it; kept for the type checker
        raise Refusal(400, "INVALID_REQUEST", f"{path} missing")
    return found


def value(root: ET.Element, path: str) -> str:
    return (field(root, path).text or "").strip()


def authenticate(world: NavWorld, root: ET.Element, index_hashes: Sequence[str] = ()) -> Caller:
    """The request's sender, checked as NAV checks it; the Refusal NAV answers otherwise."""
    header, user_block = field(root, common("header")), field(root, common("user"))
    _check_versions(header)
    timestamp = value(header, common("timestamp"))
    _check_time(world, timestamp)
    user = _user(world, user_block)
    request_id = value(header, common("requestId"))
    _check_signature(user, user_block, request_id, timestamp, index_hashes)
    if (user.tax_number, request_id) in world.request_ids:
        raise Refusal(400, "REQUEST_ID_NOT_UNIQUE", f"request id {request_id} already used")
    return Caller(root, user, request_id)


def _check_versions(header: ET.Element) -> None:
    if value(header, common("requestVersion")) != "3.0":
        raise Refusal(400, "INVALID_REQUEST_VERSION", "requestVersion must be 3.0")
    version = header.find(common("headerVersion"))
    if version is not None and (version.text or "").strip() != "1.0":
        raise Refusal(400, "INVALID_HEADER_VERSION", "headerVersion must be 1.0")


def _check_time(world: NavWorld, timestamp: str) -> None:
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    if abs(moment - world.clock()) > world.settings.timestamp_window:
        raise Refusal(400, "INVALID_TIMESTAMP", f"{timestamp} is more than a day from NAV's time")


def _user(world: NavWorld, block: ET.Element) -> TechnicalUser:
    password = field(block, common("passwordHash"))
    if password.get("cryptoType") != "SHA-512":
        raise Refusal(400, "INVALID_PASSWORD_HASH_CRYPTO", "passwordHash cryptoType is SHA-512")
    user = world.users.get(value(block, common("login")))
    if user is None or (password.text or "").strip() != user.password_hash:
        raise Refusal(401, "INVALID_SECURITY_USER", "Invalid security user!")
    if value(block, common("taxNumber")) != user.tax_number:
        raise Refusal(500, "INVALID_USER_RELATION", "login and tax number do not belong together")
    return user


def _check_signature(
    user: TechnicalUser,
    block: ET.Element,
    request_id: str,
    timestamp: str,
    index_hashes: Sequence[str],
) -> None:
    signature = field(block, common("requestSignature"))
    if signature.get("cryptoType") != "SHA3-512":
        raise Refusal(400, "INVALID_REQUEST_SIGNATURE_HASH_CRYPTO", "cryptoType is SHA3-512")
    expected = request_signature(request_id, timestamp, user.signing_key, index_hashes)
    if (signature.text or "").strip() != expected:
        raise Refusal(400, "INVALID_REQUEST_SIGNATURE", "Invalid request signature!")
