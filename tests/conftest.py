from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"
EXPECTED = ROOT / "tests" / "expected"
HUAIAN = SHARED / "real" / "huaian-2024.pdf"


def load_expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def huaian() -> Path:
    if not HUAIAN.is_file():
        pytest.fail(f"{HUAIAN} is missing: tests expect ../shared/ beside the checkout")
    return HUAIAN
