"""The Mailer port and its SMTP adapter (aiosmtplib)."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol

import aiosmtplib


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class SmtpMailer:
    """Sends over SMTP; raises aiosmtplib.SMTPException or OSError when it cannot."""

    def __init__(self, host: str, port: int, timeout_s: float = 10.0) -> None:
        self._host = host
        self._port = port
        self._timeout_s = timeout_s

    async def send(self, message: EmailMessage) -> None:
        await aiosmtplib.send(
            message, hostname=self._host, port=self._port, timeout=self._timeout_s
        )
