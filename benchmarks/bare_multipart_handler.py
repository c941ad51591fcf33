"""The baseline for benchmarks/gateway.py: aiohttp that only parses the body, nothing else.

It reads the multipart body with aiohttp's own reader (`request.post()`) and `json.loads` the
`data` field, then answers 200: the least any webhook receiver on aiohttp must do.
"""

from __future__ import annotations

import json
import sys

from aiohttp import web


async def handle(request: web.Request) -> web.Response:
    form = await request.post()
    json.loads(str(form["data"]))
    return web.Response(text='{"accepted": 1}', content_type="application/json")


if __name__ == "__main__":
    app = web.Application()
    app.router.add_post("/{tail:.*}", handle)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
