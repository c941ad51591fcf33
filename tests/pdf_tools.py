"""Reading PDFs the way a person's tools do: poppler's pdftotext and pdftoppm.

scripts/ensure-poppler.sh (run by `make test`) installs them; without them a test fails and
says so — it never skips.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"{name} is missing: the PDF tests read PDFs with poppler-utils; "
            "run `bash scripts/ensure-poppler.sh` (make test does) or apt-get install poppler-utils"
        )
    return path


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as pdftotext lays it out: one line per printed line, spaces collapsed."""
    result = subprocess.run(
        [_tool("pdftotext"), "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    lines = (" ".join(line.split()) for line in result.stdout.decode("utf-8").splitlines())
    return "\n".join(line for line in lines if line)


def page_png(pdf: bytes, directory: Path, dpi: int = 60) -> Path:
    """The first page rendered to PNG by pdftoppm."""
    source = directory / "page.pdf"
    source.write_bytes(pdf)
    stem = directory / "page"
    subprocess.run(
        [_tool("pdftoppm"), "-png", "-r", str(dpi), "-f", "1", "-singlefile", source, stem],
        check=True,
    )
    return stem.with_suffix(".png")


def ink_fraction(png: Path) -> float:
    """The share of pixels that are not (nearly) white."""
    with Image.open(png) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    return sum(histogram[:240]) / sum(histogram)
