"""Headless Debian chromium for the browser tests, driven by Selenium (no browser download).

CI installs chromium and chromium-driver (.ci/run), so a missing browser fails there and is
a skip with its reason elsewhere."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Sequence

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


def pdf_viewer_page_count(driver, uri: str, timeout_s: float) -> tuple[Optional[int], Optional[str]]:
    """Open `uri` (a PDF) in `driver` (started with --remote-allow-origins=*) and read the
    page count of Chromium's PDF viewer: (docLength_, loadState_) of its pdf-viewer element,
    a field of Chromium's own code, read over the DevTools protocol of the viewer's extension
    frame; (None, None) when the viewer has not loaded within `timeout_s`."""
    import json
    import time
    import urllib.request

    import websocket

    driver.get(uri)
    address = driver.capabilities["goog:chromeOptions"]["debuggerAddress"]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        time.sleep(0.5)
        targets = json.load(urllib.request.urlopen(f"http://{address}/json", timeout=10))
        viewer = next((t for t in targets if t["url"].startswith("chrome-extension://")
                       and t.get("webSocketDebuggerUrl")), None)
        if viewer is None:
            continue
        socket = websocket.create_connection(viewer["webSocketDebuggerUrl"], timeout=10, suppress_origin=True)
        try:
            socket.send(json.dumps({"id": 1, "method": "Runtime.evaluate", "params": {
                "expression": "(() => { const v = document.querySelector('pdf-viewer');"
                              " return v ? [v.docLength_, String(v.loadState_)] : null })()",
                "returnByValue": True}}))
            answer = json.loads(socket.recv())
            while answer.get("id") != 1:
                answer = json.loads(socket.recv())
        finally:
            socket.close()
        value = answer.get("result", {}).get("result", {}).get("value")
        if value and value[0]:
            return value[0], value[1]
    return None, None
