"""Authorization headers: Basic, or an OAuth client-credentials token renewed before expiry."""

from __future__ import annotations

import base64
import time
from typing import Any

import aiohttp

from shopsync.adapters.shoprenter.credentials import ShopAccess
from shopsync.adapters.shoprenter.errors import ShoprenterAuthError, ShoprenterUnavailable

RENEW_MARGIN = 0.1  # renew when 10 % of the token's life (at most 5 minutes) is left


class Authenticator:
    """Gives the Authorization header for a shop; fetches and caches OAuth tokens."""

    def __init__(self, access: ShopAccess, http: aiohttp.ClientSession) -> None:
        self._access = access
        self._http = http
        self._token: str | None = None
        self._expires_at = 0.0
        self.tokens_fetched = 0

    async def header(self) -> str:
        if self._access.auth_kind == "basic":
            return _basic(self._access)
        if self._token is None or time.monotonic() >= self._expires_at:
            await self._fetch_token()
        return f"Bearer {self._token}"

    def invalidate(self) -> None:
        self._token = None

    async def _fetch_token(self) -> None:
        status, payload = await self._request_token()
        self._check_answer(status, payload)
        self._token = str(payload["access_token"])
        self._expires_at = _renewal_time(float(payload.get("expires_in", 3600)))
        self.tokens_fetched += 1

    async def _request_token(self) -> tuple[int, Any]:
        """The token endpoint's status and JSON answer (client-credentials grant)."""
        body = _client_credentials(self._access)
        headers = {"Accept": "application/json"}
        try:
            async with self._http.post(
                self._access.oauth_token_url, json=body, headers=headers
            ) as response:
                return response.status, await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise ShoprenterUnavailable(
                self._access.path, f"token endpoint failed: {exc!r}"
            ) from exc

    def _check_answer(self, status: int, payload: Any) -> None:
        """Raise unless the endpoint handed out a token: refused credentials, or unavailable."""
        if status in (400, 401, 403) or not isinstance(payload, dict):
            reason = payload.get("message", "") if isinstance(payload, dict) else ""
            raise ShoprenterAuthError(
                self._access.path, f"OAuth client refused ({status} {reason})".strip(), status
            )
        if status != 200 or "access_token" not in payload:
            raise ShoprenterUnavailable(
                self._access.path, f"token endpoint answered {status}", status
            )


def _basic(access: ShopAccess) -> str:
    pair = f"{access.user}:{access.secret.get_secret_value()}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def _client_credentials(access: ShopAccess) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_id": access.user,
        "client_secret": access.secret.get_secret_value(),
    }


def _renewal_time(lifetime_s: float) -> float:
    """When a token that lives `lifetime_s` from now is renewed: a margin before it expires."""
    return time.monotonic() + lifetime_s - min(300.0, lifetime_s * RENEW_MARGIN)
