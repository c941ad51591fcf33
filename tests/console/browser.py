"""A real headless Chromium (Debian's chromium and chromium-driver) driven by Selenium, and
full-page screenshots of what it shows into var/screenshots/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def chromium() -> webdriver.Chrome:
    """A headless browser; fails saying what to install when Chromium is not there."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail(
            "the console's browser tests need Debian's chromium and chromium-driver: "
            "run `bash scripts/ensure-chromium.sh` (apt-get install chromium chromium-driver)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--lang=en-GB",
    ):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(DRIVER), options=options)


def screenshot(driver: webdriver.Chrome, name: str, width: int = 1280) -> Path:
    """The whole page at `width` pixels (a phone: 390) as var/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(width, max(700, min(height + 120, 4000)))
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 900)
    return path
