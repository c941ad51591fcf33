"""Noto Sans for the PDF: regular as shipped, bold as a static instance made once and kept.

Instancing the variable font takes seconds; fpdf2 would redo it for every PDF, so the bold
instance is written once to a per-user cache directory and reused by every later render.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

import fontpkg_noto_sans
from fontTools import ttLib
from fontTools.varLib import instancer

FONT = Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf"
BOLD_WEIGHT = 700


@functools.cache
def bold_font() -> Path:
    """The bold instance of FONT, made on first use (a file named for the source it came from)."""
    source = FONT.stat()
    cache = Path(tempfile.gettempdir()) / f"shopsync-fonts-{os.getuid()}"
    cache.mkdir(mode=0o700, exist_ok=True)
    path = cache / f"NotoSans-{BOLD_WEIGHT}-{source.st_size}-{int(source.st_mtime)}.ttf"
    if not path.exists():
        _write_instance(path)
    return path


def _write_instance(path: Path) -> None:
    font = ttLib.TTFont(str(FONT), recalcTimestamp=False)
    instancer.instantiateVariableFont(font, {"wght": BOLD_WEIGHT, "wdth": 100}, inplace=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    font.save(str(partial))
    os.replace(partial, path)  # whole or absent: a render running alongside never reads half
