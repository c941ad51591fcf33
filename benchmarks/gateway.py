"""Webhook gateway throughput and latency vs a bare aiohttp multipart handler, same run.

Runs wrk (64 connections, realistic 2–5 KB Shoprenter multipart bodies) against:
  1. benchmarks/bare_multipart_handler.py — aiohttp's multipart reader + json.loads, nothing else;
  2. the real gateway process (`shopsync gateway`) on the embedded Tansu broker.
Then, at half the gateway's rate, the gateway's p99 latency. Finally the number of events on
the topic is compared with the number of 200 answers the gateway counted.
Targets (issue 4): gateway ≥ 90 % of the bare handler; p99 < 25 ms at half rate; events == 200s.
Needs `wrk` (Debian package) on PATH.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from confluent_kafka import Consumer, TopicPartition

from shopsync.adapters.kafka.admin import ensure_topics
from shopsync.adapters.kafka.embedded import start_broker
from shopsync.adapters.kafka.topics import ORDER_EVENTS, topic_specs
from shopsync.adapters.secrets import CredentialCipher, load_or_create_key
from shopsync.settings import Settings
from tests.support import database_with_connection

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "webhook_order_status_change.json"
DURATION_S = int(os.environ.get("BENCH_DURATION_S", "10"))
CONNECTIONS = 64
BOUNDARY = "------------------------b8c6d2a1e0f94b1b"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def body_file(directory: Path) -> tuple[Path, int]:
    document = json.loads(SAMPLE.read_text())
    order = document["orders"]["order"][0]
    order["orderProducts"]["orderProduct"] *= 2  # 4 lines: a realistic 2–5 KB body
    data = json.dumps(document, ensure_ascii=True).replace("/", "\\/").encode()
    body = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="data"\r\n\r\n'.encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    path = directory / "body.bin"
    path.write_bytes(body)
    return path, len(body)


def lua_script(directory: Path, body_path: Path, delay_ms: float) -> Path:
    # A jittered delay keeps the 64 connections from firing in lockstep bursts.
    script = directory / f"post-{delay_ms:.0f}.lua"
    script.write_text(f"""
wrk.method = "POST"
local f = io.open("{body_path}", "rb")
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = "multipart/form-data; boundary={BOUNDARY}"
wrk.headers["User-Agent"] = "ShopRenter"
{"function delay() return math.random(0, " + str(int(2 * delay_ms)) + ") end" if delay_ms else ""}
done = function(summary, latency, requests)
  io.write(string.format("P99_US %d\\nP50_US %d\\n",
                         latency:percentile(99), latency:percentile(50)))
end
""")
    return script


def run_wrk(url: str, script: Path, duration_s: int, threads: int = 1) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{CONNECTIONS}", f"-d{duration_s}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p99_ms": int(re.search(r"P99_US (\d+)", out).group(1)) / 1000,  # type: ignore[union-attr]
        "p50_ms": int(re.search(r"P50_US (\d+)", out).group(1)) / 1000,
    }  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non2xx"] = float(non2xx.group(1)) if non2xx else 0.0
    errors = re.search(r"Socket errors: (.*)", out)
    result["socket_errors"] = (
        0.0 if not errors else float(sum(int(n) for n in re.findall(r"\d+", errors.group(1))))
    )
    return result


def wait_http(url: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(url)


def metric(url: str, name: str, labels: str) -> float:
    with urllib.request.urlopen(url, timeout=5) as response:
        for line in response.read().decode().splitlines():
            if line.startswith(f"{name}{{{labels}}}"):
                return float(line.split()[-1])
    return 0.0


def events_on_topic(bootstrap: str) -> int:
    """Count by reading every message (Tansu's watermarks undercount: seen 4,993 for 5,000)."""
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": "bench-count", "enable.auto.commit": False}
    )
    partitions = consumer.list_topics(ORDER_EVENTS, timeout=5).topics[ORDER_EVENTS].partitions
    consumer.assign([TopicPartition(ORDER_EVENTS, p, 0) for p in partitions])
    total, idle = 0, 0.0
    while idle < 3.0:
        messages = consumer.consume(10_000, timeout=0.5)
        real = [m for m in messages if not m.error()]
        total += len(real)
        idle = 0.0 if real else idle + 0.5
    consumer.close()
    return total


async def prepare(settings: Settings) -> str:
    cipher = CredentialCipher(load_or_create_key(settings))
    return await database_with_connection(settings.resolved_database_url, cipher)


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk")
        return 2
    work = Path(tempfile.mkdtemp(prefix="gw-bench-"))
    broker_port, gateway_port, bare_port = free_port(), free_port(), free_port()
    broker = start_broker(broker_port, work / "broker.log")
    bootstrap = f"127.0.0.1:{broker_port}"
    ensure_topics(bootstrap, topic_specs(12))
    env = {
        **os.environ,
        "SHOPSYNC_VAR_DIR": str(work),
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "GATEWAY_PORT": str(gateway_port),
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"sqlite+aiosqlite:///{work}/bench.db",
        "CONNECTION_CACHE_TTL_S": "5",
    }
    settings = Settings(
        **{
            k: v
            for k, v in env.items()
            if k in ("SHOPSYNC_VAR_DIR", "KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL")
        }
    )
    path = asyncio.run(prepare(settings))
    body, size = body_file(work)
    script = lua_script(work, body, 0)
    bare = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "bare_multipart_handler.py"), str(bare_port)]
    )
    gateway = subprocess.Popen(
        [sys.executable, "-m", "shopsync.entrypoints.cli.main", "gateway"], env=env
    )
    try:
        wait_http(f"http://127.0.0.1:{gateway_port}/readyz")
        time.sleep(0.5)
        run_wrk(f"http://127.0.0.1:{bare_port}{path}", script, 2)  # warm-up
        bare_result = run_wrk(f"http://127.0.0.1:{bare_port}{path}", script, DURATION_S)
        run_wrk(f"http://127.0.0.1:{gateway_port}{path}", script, 2)  # warm-up
        full = run_wrk(f"http://127.0.0.1:{gateway_port}{path}", script, DURATION_S)
        half_rate = full["rps"] / 2
        url = f"http://127.0.0.1:{gateway_port}{path}"
        delay_ms = CONNECTIONS / half_rate * 1000 - 3.0
        for _ in range(3):  # calibrate the per-connection pause to land on half the rate
            probe = run_wrk(url, lua_script(work, body, delay_ms), 3)
            delay_ms += (CONNECTIONS / half_rate - CONNECTIONS / probe["rps"]) * 1000
        half = run_wrk(url, lua_script(work, body, delay_ms), DURATION_S)
        time.sleep(1)
        answered_200 = metric(
            f"http://127.0.0.1:{gateway_port}/metrics",
            "shopsync_gateway_requests_total",
            'outcome="200"',
        )
        events = events_on_topic(bootstrap)
    finally:
        for proc in (bare, gateway):
            proc.terminate()
            proc.wait(timeout=15)
        broker.terminate()
        broker.wait(timeout=5)
    ratio = full["rps"] / bare_result["rps"]
    print(f"body: {size} bytes multipart, {CONNECTIONS} connections, {DURATION_S} s per run")
    print(
        f"bare aiohttp multipart + json.loads: {bare_result['rps']:8.0f} req/s "
        f"(p99 {bare_result['p99_ms']:.1f} ms)"
    )
    print(
        f"gateway, acknowledged by the broker: {full['rps']:8.0f} req/s "
        f"(p99 {full['p99_ms']:.1f} ms, non-2xx {full['non2xx']:.0f}) → {ratio:.2f}× the bare "
        "handler (target ≥ 0.90)"
    )
    print(
        f"gateway at half rate:                {half['rps']:8.0f} req/s, p50 "
        f"{half['p50_ms']:.1f} ms, p99 {half['p99_ms']:.1f} ms (target < 25 ms)"
    )
    print(
        f"200 answers counted by the gateway:  {answered_200:.0f}; events on the topic: {events}"
        " (must be equal)"
    )
    ok = ratio >= 0.90 and half["p99_ms"] < 25 and answered_200 == events and full["non2xx"] == 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
