"""Security headers on every answer: no inline script, no framing, no sniffing, no referrer."""

from __future__ import annotations

from aiohttp import web

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Server": "ShopSync",
}


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Set on each response before it is sent; pages are never cached (they show live state)."""
    response.headers.update(HEADERS)
    if response.content_type == "text/html":
        response.headers["Cache-Control"] = "no-store"
