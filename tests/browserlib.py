"""Headless Debian chromium for the browser tests, driven by Selenium (no browser download).

CI installs chromium and chromium-driver (.ci/run), so a missing browser fails there and is
a skip with its reason elsewhere."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def require_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip)")
    if missing:
        message = f"needs {', '.join(missing)} (apt-get install chromium chromium-driver; pip install selenium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs them (.ci/run): never skip there
        pytest.skip(message)


def start_chromium(window: str, extra_arguments: Sequence[str] = ()):
    """A headless chromium (window "W,H") keeping the page's console log."""
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={window}", "--lang=zh-CN", *extra_arguments):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
