"""NAV Online Számla v3.0 request credentials: password hash, request ids and signatures.

Exactly as the interface specification gives them (SPEC §1.3.2, §1.5): every hash is
upper-case hex; a request's signature covers its id, its timestamp to the second and the
technical user's signing key, and for /manageInvoice also one hash per invoice operation.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime

#: requestId is `[+a-zA-Z0-9_]{1,30}` and must be unique per taxpayer: 26 random characters.
_REQUEST_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def password_hash(password: str) -> str:
    """SHA-512 of the password's UTF-8 bytes, upper-case hex (`passwordHash`, SHA-512)."""
    return hashlib.sha512(password.encode("utf-8")).hexdigest().upper()


def _sha3_512(text: str) -> str:
    return hashlib.sha3_512(text.encode("utf-8")).hexdigest().upper()


def request_timestamp(moment: datetime) -> str:
    """The header `timestamp`: UTC, milliseconds, a trailing Z (GenericTimestampType)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def signature_time(timestamp: str) -> str:
    """The timestamp as the signature takes it: yyyyMMddHHmmss, separators and millis dropped."""
    return "".join(ch for ch in timestamp[:19] if ch.isdigit())


def index_hash(operation: str, invoice_base64: str) -> str:
    """One operation's hash for /manageInvoice: SHA3-512 of its operation and base64 text."""
    return _sha3_512(operation + invoice_base64)


def request_signature(
    request_id: str, timestamp: str, signing_key: str, index_hashes: Iterable[str] = ()
) -> str:
    """`requestSignature` (SHA3-512): id + time + key, then each operation's hash in order."""
    partial = request_id + signature_time(timestamp) + signing_key
    return _sha3_512(partial + "".join(index_hashes))


def new_request_id() -> str:
    """A fresh request id: 'SS' and 28 random characters, never reused in practice."""
    return "SS" + "".join(secrets.choice(_REQUEST_ID_ALPHABET) for _ in range(28))
