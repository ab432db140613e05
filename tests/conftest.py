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


def huaian_expected() -> tuple[dict, dict]:
    """The hand-checked expected record of the real report, and its values flattened to
    `table.row.column`."""
    expected = load_expected(EXPECTED / "huaian-2024.expected.json")
    flat = {
        f"{t}.{r}.{c}": v
        for t, rows in expected["tables"].items()
        for r, cols in rows.items()
        for c, v in cols.items()
    }
    return expected, flat


@pytest.fixture(scope="session")
def huaian() -> Path:
    if not HUAIAN.is_file():
        pytest.fail(f"{HUAIAN} is missing: tests expect ../shared/ beside the checkout")
    return HUAIAN
