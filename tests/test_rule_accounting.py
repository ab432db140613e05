"""Rule accounting (`Report.rules`) and the cause of a broken rule (`Finding.cause`,
`suspect_cell`): issue 18. Fast: two digital/markup extractions, the rest in memory."""

from pathlib import Path

import lxml.html
import pytest
from conftest import SAMPLES

from extract import template as tpl
from extract.checks.accounting import ARITHMETIC_RULES, account, attribute, describe, redecide, template_outcomes
from extract.checks.indicator_rules import check_indicators
from extract.checks.validate import validate
from extract.cli import _summary
from extract.pipeline import extract_file
from extract.records import CellRecord, Finding, Indicator, Report
from extract.show.terminal import findings_renderable


def _consistent(report: Report) -> None:
    rules = report.rules
    assert rules is not None
    assert rules.checked == rules.held + rules.broken
    assert rules.held == sum(c.held for c in rules.by_rule.values())
    assert rules.unchecked == sum(c.unchecked for c in rules.by_rule.values())
    broken = [f for f in report.findings if f.rule in ARITHMETIC_RULES and f.severity in ("error", "warning")]
    assert rules.broken == len(broken)
    # every template rule left unchecked is also an info finding
    infos = sum(1 for f in report.findings if f.severity == "info" and f.rule in ARITHMETIC_RULES)
    template_unchecked = sum(c.unchecked for r, c in rules.by_rule.items() if not r.startswith("prose."))
    assert infos == template_unchecked


@pytest.fixture(scope="module")
def rowtotal() -> Report:
    return extract_file(SAMPLES / "r2023-error-rowtotal-01.pdf")


def test_digital_planted_error_is_the_publications(rowtotal: Report):
    _consistent(rowtotal)
    assert rowtotal.rules.unchecked == 0 and rowtotal.rules.broken == 3
    broken = [f for f in rowtotal.findings if f.rule in ARITHMETIC_RULES and f.severity != "info"]
    assert {f.rule for f in broken} == {"applications.row_total", "applications.column_total", "prose.contradicts_table"}
    assert all(f.cause == "publication" for f in broken)
    # the printed row total 7 (its row sums to 5, the text says 5): shared by every broken rule
    assert {f.suspect_cell for f in broken} == {"applications.partially_granted.total"}
    # other findings carry no cause, and JSON omits the unset fields
    dumped = rowtotal.model_dump(mode="json")
    assert dumped["rules"]["checked"] == 48
    assert all("cause" in f for f in dumped["findings"] if f["rule"] in ARITHMETIC_RULES and f["severity"] != "info")
    assert all("cause" not in f and "suspect_cell" not in f for f in dumped["findings"] if f["severity"] == "info")
    # the summary lines say it
    line = _summary(rowtotal).splitlines()[1]
    assert "rules: 48 checked (45 held, 3 broken), 0 unchecked" in line
    assert "cause: publication" in _summary(rowtotal)
    assert "suspect cell: applications.partially_granted.total" in findings_renderable(rowtotal).plain
    from extract.show.html_page import render_report_html

    assert '<div class="cause">cause: publication' in render_report_html(rowtotal)


def test_old_records_load_without_rules(rowtotal: Report):
    data = rowtotal.model_dump(mode="json")
    data.pop("rules")
    for f in data["findings"]:
        f.pop("cause", None)
        f.pop("suspect_cell", None)
    old = Report.model_validate(data)
    assert old.rules is None and all(f.cause is None for f in old.findings)
    assert describe(old.rules) == "rules: not recorded"


# ------------------------------------------------------------------ in memory: OCR readings

def _holding_values() -> dict:
    """2021 values under which every rule holds: every cell 0, but one row of 三 with 1s."""
    values = {k: 0 for k in tpl.all_cell_keys("2021")}
    for c in tpl.APPLICANT_COLUMN_KEYS:
        for row in ("new_received", "total_handled", "granted"):
            values[f"applications.{row}.{c}"] = 1
    for row in ("new_received", "total_handled", "granted"):
        values[f"applications.{row}.total"] = len(tpl.APPLICANT_COLUMN_KEYS)
    return values


def _ocr_cells(values: dict, doubtful: dict[str, dict] = {}) -> dict[str, CellRecord]:
    cells = {}
    for k, v in values.items():
        extra = doubtful.get(k, {})
        cells[k] = CellRecord(text=str(extra.get("text", v)), value=v, page=1, bbox=(0, 0, 1, 1),
                              confidence=extra.get("confidence", 0.97), source="ocr",
                              read_value=extra.get("read_value"), repair=extra.get("repair"))
    return cells


def test_a_low_confidence_ocr_cell_is_a_possible_misreading_and_the_suspect():
    values = _holding_values()
    assert all(o.state == "held" for o in template_outcomes(values, "2021"))
    bad = f"applications.granted.{tpl.APPLICANT_COLUMN_KEYS[0]}"
    values[bad] = 7  # a 1 misread as 7
    cells = _ocr_cells(values, {bad: {"confidence": 0.55}})
    outcomes = template_outcomes(values, "2021")
    findings = attribute(validate(values, "2021"), outcomes, cells, 0.9)
    broken = [f for f in findings if f.severity == "error"]
    assert {f.rule for f in broken} == {"applications.row_total", "applications.column_total"}
    assert all(f.cause == "reading" and f.suspect_cell == bad for f in broken)
    rules = account(outcomes)
    assert rules.broken == 2 and rules.unchecked == 0 and rules.checked == len(outcomes)


def test_a_repaired_cell_is_doubtful_and_confident_ocr_is_not_certain():
    values = _holding_values()
    fixed = "applications.granted.total"
    bad = f"applications.new_received.{tpl.APPLICANT_COLUMN_KEYS[1]}"
    values[bad] = 4
    cells = _ocr_cells(values, {fixed: {"repair": "OCR read '8'", "read_value": 8}})
    findings = attribute(validate(values, "2021"), template_outcomes(values, "2021"), cells, 0.9)
    broken = [f for f in findings if f.severity == "error"]
    assert broken and all(f.cause == "reading" for f in broken)
    # the repaired cell is in none of the broken rules: the arithmetic singles out the misprint
    row = next(f for f in broken if f.rule == "applications.row_total")
    assert row.suspect_cell == bad
    # the same cells read from a text layer: the publication's own
    text_cells = {k: c.model_copy(update={"source": "text", "confidence": 1.0, "repair": None})
                  for k, c in cells.items()}
    findings = attribute(validate(values, "2021"), template_outcomes(values, "2021"), text_cells, 0.9)
    assert all(f.cause == "publication" for f in findings if f.severity == "error")


def test_a_reviewed_cell_counts_as_certain_after_a_correction():
    values = _holding_values()
    bad = f"applications.granted.{tpl.APPLICANT_COLUMN_KEYS[0]}"
    values[bad] = 7
    cells = _ocr_cells(values, {bad: {"confidence": 0.55}})
    text = {k: {**c.model_dump(mode="json"), "source": "text", "confidence": 1.0}
            for k, c in cells.items() if k != bad}
    record = {"cells": {**text, bad: cells[bad].model_dump(mode="json")},
              "rules": {"by_rule": {"prose.contradicts_table": {"held": 2, "broken": 0, "unchecked": 1}}}}
    # the reviewer confirmed the 7 as printed: the publication's error now
    findings, rules = redecide(validate(values, "2021"), record, values, "2021", reviewed={bad})
    assert all(f.cause == "publication" for f in findings if f.severity == "error")
    assert rules.broken == 2 and rules.by_rule["prose.contradicts_table"].held == 2 and rules.unchecked == 1
    # corrected to 1: every rule holds
    values[bad] = 1
    findings, rules = redecide(validate(values, "2021"), record, values, "2021", reviewed={bad})
    assert not [f for f in findings if f.severity == "error"] and rules.broken == 0
    # a record read before the accounting existed: unknown, not zero
    assert redecide([], {"cells": record["cells"]}, values, "2021")[1] is None


def test_pre2019_rules_are_counted_with_their_unchecked_blanks():
    def ind(row, label, key, value, path=(), column="本年", column_key="this_year"):
        cell = f"indicators.r{row}.{column_key}"
        return Indicator(cell=cell, key=key, label=label, path=path, unit="件", column=column,
                         column_key=column_key, value=value, table=1, row=row)

    indicators = [
        ind(1, "受理申请总数", "applications_received", 10),
        ind(2, "当面申请", "applications_in_person", 4, ("受理申请总数",)),
        ind(3, "网上申请", "applications_online", 5, ("受理申请总数",)),
        ind(4, "信函申请", "applications_letter", None, ("受理申请总数",)),
    ]
    outcomes = []
    findings = check_indicators(indicators, outcomes=outcomes)
    states = {(o.rule, o.cells[-1]): o.state for o in outcomes}
    assert states[("indicators.part_exceeds_parent", "indicators.r4.this_year")] == "unchecked"
    assert states[("indicators.part_exceeds_parent", "indicators.r2.this_year")] == "held"
    # parts_sum over a partition with a blank item: unchecked, not accused
    assert states[("indicators.parts_sum", "indicators.r4.this_year")] == "unchecked"
    assert not findings
    rules = account(outcomes)
    assert rules.unchecked >= 1 and rules.broken == len([f for f in findings if f.rule in ARITHMETIC_RULES])


# ------------------------------------------------------------------ a blank 总计 column

def _blank_total_column(src: Path, dst: Path) -> int:
    """The sample web page with section 三's 总计 column printed blank; how many cells were blanked."""
    doc = lxml.html.fromstring(src.read_bytes())
    table = next(t for t in doc.iter("table") if "（七）总计" in t.text_content())
    blanked = 0
    for tr in table.iter("tr"):
        tds = tr.findall("td")
        if len(tds) >= 8 and tds[-1].text_content().strip().isdigit():
            for node in tds[-1].iter():
                if node.text and node.text.strip().isdigit():
                    node.text = ""
            blanked += 1
    dst.write_bytes(lxml.html.tostring(doc, encoding="utf-8"))
    return blanked


def test_a_blank_total_column_is_unchecked_never_clean(tmp_path: Path):
    page = tmp_path / "blank-total.html"
    assert _blank_total_column(SAMPLES / "html" / "cms-r2024-prose-received-01.html", page) >= 20
    report = extract_file(page)
    _consistent(report)
    assert report.tables.applications.granted.total is None
    assert report.rules.unchecked >= 20
    assert report.rules.by_rule["applications.row_total"].unchecked >= 20
    line = _summary(report).splitlines()[1]
    assert f"{report.rules.unchecked} unchecked" in line and "rules:" in line
    assert f"{report.rules.unchecked} unchecked" in findings_renderable(report).plain
    assert report.model_dump(mode="json")["rules"]["unchecked"] == report.rules.unchecked
    from extract.show.html_page import render_report_html

    assert f"{report.rules.unchecked} unchecked</span>" in render_report_html(report)


def test_schema_describes_the_accounting():
    schema = Report.model_json_schema()
    defs = schema["$defs"]
    assert all(p.get("description") for p in defs["RuleAccounting"]["properties"].values())
    assert defs["Finding"]["properties"]["cause"]["description"]
    assert defs["Finding"]["properties"]["suspect_cell"]["description"]
    assert Finding(rule="x", severity="info", message="", message_en="").model_dump(mode="json").get("cause", 0) == 0


def test_the_review_queue_shows_unchecked_rules_never_clean(tmp_path: Path):
    from reviewlib import write_record

    from extract.review import data

    page = tmp_path / "blank-total.html"
    _blank_total_column(SAMPLES / "html" / "cms-r2024-prose-received-01.html", page)
    blank = extract_file(page).model_dump(mode="json")
    clean = extract_file(SAMPLES / "html" / "cms-r2024-hidden-white-01.html").model_dump(mode="json")
    old = {k: v for k, v in clean.items() if k != "rules"}
    db_path = tmp_path / "q.sqlite"
    shas = {}
    for name, record in (("clean", clean), ("old", old), ("blank", blank)):
        shas[name] = write_record(db_path, tmp_path / f"{name}.html", record, sha=name.ljust(64, "0"))
    db = data.connect(db_path)
    # "old" is the same report stored before rule accounting: a copy of "clean", shown with copies.
    from extract.review.queue import QueueFilter, every_item

    items = {i.sha256: i for i in every_item(db, QueueFilter(copies="with"))}
    assert items[shas["blank"]].unchecked == blank["rules"]["unchecked"] > 0
    assert items[shas["clean"]].unchecked == 0 and items[shas["old"]].unchecked is None
    if not blank["findings"] or all(f["severity"] == "info" for f in blank["findings"]):
        assert [i.sha256 for i in data.queue(db)][0] == shas["blank"]
