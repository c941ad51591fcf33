"""How to reach one shop: its path, auth kind, credentials and (overridable) base URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import SecretStr


@dataclass(frozen=True)
class ShopAccess:
    path: str
    auth_kind: Literal["basic", "oauth"]
    user: str  # Basic user, or OAuth client id
    secret: SecretStr = field(repr=False)
    api_url: str | None = None  # classic or api2 base, overridden for the sandbox
    token_url: str | None = None

    @property
    def base_url(self) -> str:
        if self.api_url:
            return self.api_url.rstrip("/")
        if self.auth_kind == "basic":
            return f"https://{self.path}.api.myshoprenter.hu"
        return f"https://{self.path}.api2.myshoprenter.hu/api"

    @property
    def oauth_token_url(self) -> str:
        return self.token_url or f"https://oauth.app.shoprenter.net/{self.path}/app/token"
