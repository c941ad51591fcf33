"""NAV's synchronous errors, typed by what the caller should do about them.

`NavRejected` and its kinds: NAV answered and refused this request (credentials, signature,
envelope, token); sending it again unchanged will not help. `NavUnavailable`: NAV could not
serve it (maintenance, an internal error, a 5xx, no connection); try again after a pause.
`NavNoAnswer`: a request that NAV may have processed got no usable answer (a timeout, a
dropped connection, a 5xx after it was sent): for /manageInvoice ask NAV before resending.
Codes and HTTP statuses are SPEC §3.2's (api-notes §6.1); unknown codes are plain NavRejected.
"""

from __future__ import annotations


class NavError(Exception):
    """A NAV call failed; `code` is NAV's errorCode (empty when NAV gave none)."""

    def __init__(self, code: str, message: str = "", http_status: int | None = None) -> None:
        self.code = code
        self.message = message
        self.http_status = http_status
        status = f"HTTP {http_status} " if http_status is not None else ""
        super().__init__(f"NAV {status}{code or 'error'}: {message}".rstrip(": "))


class NavRejected(NavError):
    """NAV refused the request as it stands; a retry of the same request will not help."""


class InvalidCredentials(NavRejected):
    """Login, password, tax number or the user's rights are wrong: the user has to fix them."""


class InvalidRequestSignature(NavRejected):
    """The request signature differs from NAV's: the signing key is wrong (or a bug)."""


class InvalidExchangeToken(NavRejected):
    """The token is unknown, expired, already used or badly decrypted: get a new one."""


class RequestIdNotUnique(NavRejected):
    """The request id was already used successfully for this taxpayer."""


class InvalidTimestamp(NavRejected):
    """The request's timestamp is more than a day from NAV's clock: fix the clock."""


class NavUnavailable(NavError):
    """NAV could not serve the request now (maintenance, internal error): try again later."""


class NavMaintenance(NavUnavailable):
    """NAV is in maintenance: nothing was processed; repeat the request later."""


class NavNoAnswer(NavUnavailable):
    """No usable answer to a request NAV may have processed: ask NAV before sending again."""


_KINDS: dict[str, type[NavError]] = {
    "INVALID_SECURITY_USER": InvalidCredentials,
    "NOT_REGISTERED_CUSTOMER": InvalidCredentials,
    "INVALID_CUSTOMER": InvalidCredentials,
    "INVALID_USER_RELATION": InvalidCredentials,
    "FORBIDDEN": InvalidCredentials,
    "INVALID_REQUEST_SIGNATURE": InvalidRequestSignature,
    "INVALID_EXCHANGE_TOKEN": InvalidExchangeToken,
    "REQUEST_ID_NOT_UNIQUE": RequestIdNotUnique,
    "INVALID_TIMESTAMP": InvalidTimestamp,
    "MAINTENANCE_MODE": NavMaintenance,
    "SERVICE_UNAVAILABLE": NavMaintenance,
    "OPERATION_FAILED": NavUnavailable,
}


def nav_error(code: str, message: str, http_status: int) -> NavError:
    """The typed error for NAV's answer: by its code, else 5xx unavailable, else rejected."""
    kind = _KINDS.get(code)
    if kind is None:
        kind = NavUnavailable if http_status >= 500 and not code else NavRejected
    return kind(code, message, http_status)
