"""NAV's answers read into values, and its error answers raised as what the caller must do."""

from __future__ import annotations

import pytest

from shopsync.adapters.nav.responses import parse, transaction_status
from shopsync.domain.nav_errors import (
    InvalidRequestSignature,
    NavMaintenance,
    NavRejected,
    NavUnavailable,
)

HEAD = (
    "<common:header><common:requestId>R1</common:requestId>"
    "<common:timestamp>2026-03-02T09:15:00.000Z</common:timestamp>"
    "<common:requestVersion>3.0</common:requestVersion></common:header>"
)
SOFTWARE = "<software><softwareId>123456789123456789</softwareId></software>"
ROOTS = (
    'xmlns="http://schemas.nav.gov.hu/OSA/3.0/api" '
    'xmlns:common="http://schemas.nav.gov.hu/NTCA/1.0/common"'
)


def error_answer(code: str) -> bytes:
    result = (
        "<common:result><common:funcCode>ERROR</common:funcCode>"
        f"<common:errorCode>{code}</common:errorCode><common:message>m</common:message>"
        "</common:result>"
    )
    return f"<GeneralErrorResponse {ROOTS}>{HEAD}{result}{SOFTWARE}</GeneralErrorResponse>".encode()


def test_a_general_error_is_raised_as_its_kind_with_navs_code() -> None:
    with pytest.raises(InvalidRequestSignature) as refused:
        parse(error_answer("INVALID_REQUEST_SIGNATURE"), 400)

    assert (refused.value.code, refused.value.http_status) == ("INVALID_REQUEST_SIGNATURE", 400)


def test_maintenance_is_retryable_and_an_unknown_code_is_a_plain_rejection() -> None:
    with pytest.raises(NavMaintenance):
        parse(error_answer("MAINTENANCE_MODE"), 503)
    with pytest.raises(NavRejected) as unknown:
        parse(error_answer("SOMETHING_NEW"), 400)
    assert type(unknown.value) is NavRejected


def test_a_bare_server_error_is_unavailable_not_a_rejection() -> None:
    with pytest.raises(NavUnavailable):
        parse(b"Generic exception occurred!", 500)


def test_an_ok_answer_with_an_error_result_is_still_an_error() -> None:
    body = error_answer("OPERATION_FAILED").replace(
        b"GeneralErrorResponse", b"TokenExchangeResponse"
    )

    with pytest.raises(NavUnavailable, match="OPERATION_FAILED"):
        parse(body, 200)


def test_processing_results_keep_each_index_status_and_messages() -> None:
    results = (
        "<processingResults><processingResult><index>1</index><invoiceStatus>ABORTED</invoiceStatus>"
        "<technicalValidationMessages><common:validationResultCode>ERROR</common:validationResultCode>"
        "<common:validationErrorCode>SCHEMA_VIOLATION</common:validationErrorCode>"
        "</technicalValidationMessages><compressedContentIndicator>false</compressedContentIndicator>"
        "</processingResult><processingResult><index>2</index><invoiceStatus>DONE</invoiceStatus>"
        "<businessValidationMessages><validationResultCode>WARN</validationResultCode>"
        "<validationErrorCode>SOME_WARN</validationErrorCode><message>look</message>"
        "</businessValidationMessages><compressedContentIndicator>false</compressedContentIndicator>"
        "</processingResult><originalRequestVersion>3.0</originalRequestVersion></processingResults>"
    )
    ok = "<common:result><common:funcCode>OK</common:funcCode></common:result>"
    root = "QueryTransactionStatusResponse"
    body = f"<{root} {ROOTS}>{HEAD}{ok}{SOFTWARE}{results}</{root}>"

    status = transaction_status(parse(body.encode(), 200), "T1")

    first, second = status.results
    assert (first.status, first.error_codes) == ("ABORTED", ("SCHEMA_VIOLATION",))
    assert (second.status, second.error_codes, second.messages[0].message) == ("DONE", (), "look")
    assert status.finished
