"""Child-process hygiene: children die with their parent, even after kill -9."""

from __future__ import annotations

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask Linux to send sig to this process when its parent exits."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, sig)
    except OSError:
        return


def child_preexec() -> None:
    """Run in a freshly forked child: own process group, killed if the parent dies.

    SIGKILL, not SIGTERM: a worker stuck waiting for a dead broker ignores SIGTERM, and a
    parent that died unannounced cannot stop it any other way; no orphan outlives `up`.
    """
    os.setpgid(0, 0)
    die_with_parent(signal.SIGKILL)
