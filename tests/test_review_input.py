"""Issue 16, items 1, 5 and 8: a reviewer's input is read strictly (one parser,
`checks.reviewer_input`), hostile input gets a 4xx with the security headers and leaves the
database as it was, every route bounds its numbers, and the batch store no longer imports
the review app (re-validation lives in `checks.revalidate`)."""

from __future__ import annotations

import ast
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from reviewlib import ROOT, SAMPLES, injected_errors, record_of, write_record

from extract.checks.reviewer_input import InvalidInput, cell_kind, parse_note, parse_reviewer_value

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient  # noqa: E402

from extract.review.app import ReviewConfig, create_app  # noqa: E402

ERROR_SAMPLE = "r2024-error-grandtotal-01"
TOKEN = "t" * 32
HUGE = str(2**63)
SECURITY = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy",
            "cache-control")


# ------------------------------------------------------------------------------ the parser


@pytest.mark.parametrize("text, kind, blank, expected", [
    ("12", "count", False, 12),
    ("１２", "count", False, 12),  # full-width digits
    ("1,234", "count", False, 1234),
    (" 7 ", "count", False, 7),
    ("-3", "signed_count", False, -3),
    ("5.25", "amount", False, 5.25),
    ("251000元", "amount", False, "251000元"),
    ("/", "count", True, None),
    ("—", "amount", True, None),
    ("999999999", "count", False, 999999999),
])
def test_valid_input(text, kind, blank, expected):
    value = parse_reviewer_value(text, kind, allow_blank=blank)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("text, kind", [
    ("9" * 400 + ".5", "amount"), ("9" * 400, "count"), ("9" * 4301, "count"), (str(10**30), "count"),
    ("1000000000", "count"), ("١٢٣", "count"), ("४२", "count"), ("①", "count"), ("5²", "count"),
    ("5元", "count"), ("-3", "count"), ("+3", "count"), ("5.5", "count"), ("5.255", "amount"),
    ("-5", "amount"), ("inf", "amount"), ("nan", "amount"), ("1e5", "amount"), ("Infinity", "count"),
    ("/", "count"), ("", "count"), ("5 5", "count"), ("007", "count"), (5, "count"), (None, "count"),
])
def test_hostile_input_is_refused_in_both_languages(text, kind):
    with pytest.raises(InvalidInput) as refused:
        parse_reviewer_value(text, kind, allow_blank=False)
    assert re.search(r"[\u4e00-\u9fff]", refused.value.zh) and re.search(r"[a-z]", refused.value.en)


def test_cell_kinds_and_notes():
    assert cell_kind("proactive.fees.amount_10k_yuan") == "amount"
    assert cell_kind("proactive.procurement.amount") == "amount"
    assert cell_kind("proactive.licensing.change") == "signed_count"
    assert cell_kind("applications.granted.total") == "count"
    assert cell_kind("indicators.t1.r3.c1", "万元") == "amount"
    assert cell_kind("indicators.t1.r3.c1", "件") == "count"
    assert parse_note("  checked  ") == "checked" and parse_note(None) is None
    for bad in ("x" * 2001, 5, ["a"]):
        with pytest.raises(InvalidInput):
            parse_note(bad)


# ------------------------------------------------------------------------------ the app


@pytest.fixture(scope="module")
def record() -> dict:
    return record_of(SAMPLES / f"{ERROR_SAMPLE}.pdf")


@pytest.fixture()
def app_db(tmp_path: Path, record):
    source = tmp_path / f"{ERROR_SAMPLE}.pdf"
    shutil.copy(SAMPLES / f"{ERROR_SAMPLE}.pdf", source)
    db_path = tmp_path / "results.sqlite"
    sha = write_record(db_path, source, record)
    config = ReviewConfig(database=db_path, reviewer="input-tester", token=TOKEN)
    client = TestClient(create_app(config), base_url="http://127.0.0.1", raise_server_exceptions=False)
    return client, db_path, sha


def snapshot(db_path: Path) -> tuple:
    db = sqlite3.connect(db_path)
    try:
        return (db.execute("SELECT * FROM corrections").fetchall(),
                db.execute("SELECT key, value_num, value_text, corrected, flagged FROM cells ORDER BY key").fetchall(),
                db.execute("SELECT errors, warnings, reviewed_by FROM reports").fetchall(),
                db.execute("SELECT rule, severity, message FROM findings ORDER BY rowid").fetchall())
    finally:
        db.close()


def assert_secured(response):
    missing = [h for h in SECURITY if h not in response.headers]
    assert not missing, (response.status_code, missing)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


HEADERS = {"X-Review-Token": TOKEN, "Origin": "http://127.0.0.1"}


@pytest.mark.parametrize("value", [
    "9" * 400 + ".5", "9" * 400, "9" * 4301, str(10**30), "١٢٣", "४२", "①", "5²", "5元", "/", "-1", "inf",
])
def test_hostile_corrections_get_4xx_and_change_nothing(app_db, value):
    client, db_path, sha = app_db
    (key, _), = injected_errors(ERROR_SAMPLE).items()  # a count cell of 三, printed as a number
    before = snapshot(db_path)
    answer = client.post(f"/report/{sha}/1/cells/{key}", json={"action": "correct", "value": value}, headers=HEADERS)
    assert 400 <= answer.status_code < 500, (value[:20], answer.status_code, answer.text[:200])
    assert_secured(answer)
    message = answer.json()["error"]
    assert re.search(r"[\u4e00-\u9fff]", message) and re.search(r"[a-z]{3}", message)
    assert snapshot(db_path) == before


def test_hostile_bodies_and_notes(app_db):
    client, db_path, sha = app_db
    (key, _), = injected_errors(ERROR_SAMPLE).items()
    url = f"/report/{sha}/1/cells/{key}"
    before = snapshot(db_path)
    answers = [
        client.post(url, json={"action": "correct", "value": "5", "note": "x" * (2 * 1024 * 1024)}, headers=HEADERS),
        client.post(url, json={"action": "accept", "note": "n" * 2001}, headers=HEADERS),
        client.post(url, json={"action": "correct", "value": 5}, headers=HEADERS),
        client.post(url, content=b'{"action": "correct", "value": ' + b"9" * 4301 + b"}",
                    headers={**HEADERS, "Content-Type": "application/json"}),
        client.post(url, content=b'{"action": "correct", "value": Infinity}',
                    headers={**HEADERS, "Content-Type": "application/json"}),
        client.post(url, content=b"[" * 100000, headers={**HEADERS, "Content-Type": "application/json"}),
        client.post(url, json={"action": "delete"}, headers=HEADERS),
    ]
    assert [a.status_code for a in answers] == [413, 400, 400, 400, 400, 413, 400]
    for answer in answers:
        assert_secured(answer)
    assert snapshot(db_path) == before


def test_huge_page_numbers_in_every_route(app_db):
    client, db_path, sha = app_db
    (key, _), = injected_errors(ERROR_SAMPLE).items()
    before = snapshot(db_path)
    for number in (HUGE, str(2**64), "9" * 400, "0"):
        answers = [
            client.get(f"/report/{sha}/{number}"),
            client.get(f"/crop/{sha}/{number}/{key}"),
            client.get(f"/report/{sha}/{number}/cells/{key}"),
            client.post(f"/report/{sha}/{number}/cells/{key}", json={"action": "accept"}, headers=HEADERS),
            client.post(f"/report/{sha}/{number}/reviewed", json={}, headers=HEADERS),
        ]
        for answer in answers:
            assert answer.status_code in (400, 404), (number[:20], answer.request.url, answer.status_code)
            assert_secured(answer)
    assert snapshot(db_path) == before


def test_an_unexpected_error_keeps_the_security_headers(app_db, monkeypatch):
    client, _, sha = app_db
    from extract.review import data

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(data, "load_report", broken)
    answer = client.get(f"/report/{sha}/1")
    assert answer.status_code == 500 and "boom" not in answer.text
    assert_secured(answer)


def test_a_valid_correction_still_works(app_db):
    client, db_path, sha = app_db
    (key, delta), = injected_errors(ERROR_SAMPLE).items()
    page = client.get(f"/report/{sha}/1")
    assert page.status_code == 200
    assert_secured(page)
    db = sqlite3.connect(db_path)
    printed = db.execute("SELECT value_num FROM cells WHERE key = ?", (key,)).fetchone()[0]
    db.close()
    fixed = str(int(printed - delta)).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    answer = client.post(f"/report/{sha}/1/cells/{key}", json={"action": "correct", "value": fixed, "note": "scan"},
                         headers=HEADERS)
    assert answer.status_code == 200, answer.text
    assert answer.json()["decision"]["errors"] == 0
    corrections, cells, _, _ = snapshot(db_path)
    assert len(corrections) == 1 and json.loads(corrections[0][5]) == printed - delta
    assert dict((c[0], c[1]) for c in cells)[key] == printed - delta


def test_a_count_cell_of_three_may_not_be_blanked_but_section_two_may(app_db):
    client, db_path, sha = app_db
    (key, _), = injected_errors(ERROR_SAMPLE).items()
    assert client.post(f"/report/{sha}/1/cells/{key}", json={"action": "correct", "value": "/"},
                       headers=HEADERS).status_code == 400
    answer = client.post(f"/report/{sha}/1/cells/proactive.regulations.issued", json={"action": "correct", "value": "/"},
                         headers=HEADERS)
    assert answer.status_code == 200, answer.text


# ------------------------------------------------------------------------------ the import circle


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_batch_and_checks_do_not_import_review():
    for path in [*(ROOT / "extract" / "batch").glob("*.py"), *(ROOT / "extract" / "checks").glob("*.py")]:
        assert not [m for m in _imports(path) if "review" in m], path
    assert "..checks.revalidate" in _imports(ROOT / "extract" / "review" / "data.py")
