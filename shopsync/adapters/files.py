"""ShopSync's own files (database, secret key, logs) readable by their owner only."""

from __future__ import annotations

import contextlib
from pathlib import Path


def keep_private(var_dir: Path) -> None:
    """0700 for the data directory, 0600 for what is in it (files made before the umask)."""
    if not var_dir.is_dir():
        return
    with contextlib.suppress(OSError):
        var_dir.chmod(0o700)
        for path in var_dir.iterdir():
            path.chmod(0o700 if path.is_dir() else 0o600)
