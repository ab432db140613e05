import json

from conftest import EXPECTED

from extract.checks.validate import validate
from extract.records import build_tables, flatten_tables


def _values():
    expected = json.loads((EXPECTED / "huaian-2024.expected.json").read_text(encoding="utf-8"))
    return flatten_tables(build_tables("2021", {
        f"{t}.{r}.{c}": v
        for t, rows in expected["tables"].items() for r, cols in rows.items() for c, v in cols.items()
    }))


def _errors(findings):
    return {(f.rule, frozenset(f.cells)) for f in findings if f.severity == "error"}


def test_consistent_report_has_no_findings():
    assert validate(_values(), "2021") == []


def test_a_changed_leaf_breaks_its_row_and_its_column():
    values = _values()
    values["applications.withheld_third_party.enterprise"] = 1  # printed 0
    errors = _errors(validate(values, "2021"))
    row = frozenset(f"applications.withheld_third_party.{c}" for c in
                    ("natural_person", "enterprise", "research", "public_interest", "legal_service", "other_org", "total"))
    assert ("applications.row_total", row) in errors
    column = [e for e in errors if e[0] == "applications.column_total"]
    assert len(column) == 1 and "applications.total_handled.enterprise" in column[0][1]
    assert len(errors) == 2  # the balance still holds: (七) was not touched


def test_a_changed_total_breaks_the_balance():
    values = _values()
    values["applications.total_handled.natural_person"] = 2933
    rules = sorted(rule for rule, _ in _errors(validate(values, "2021")))
    assert rules == ["applications.balance", "applications.column_total", "applications.row_total"]
    balance = next(f for f in validate(values, "2021") if f.rule == "applications.balance")
    assert (balance.expected, balance.printed) == (3035, 3036)
    assert "不成立" in balance.message and "does not hold" in balance.message_en


def test_null_cells_make_rules_unchecked_not_passed():
    values = _values()
    values["review_litigation.review.pending"] = None
    findings = [f for f in validate(values, "2021") if f.rule == "review_litigation.total"]
    assert len(findings) == 1
    assert findings[0].severity == "info"
    assert "review_litigation.review.pending" in findings[0].message_en


def test_review_group_total():
    values = _values()
    values["review_litigation.litigation_after_review.total"] = 21
    assert _errors(validate(values, "2021")) == {(
        "review_litigation.total",
        frozenset(f"review_litigation.litigation_after_review.{c}" for c in ("upheld", "corrected", "other", "pending", "total")),
    )}


def test_negative_and_fractional_counts():
    values = _values()
    values["applications.granted.research"] = -1
    values["proactive.licensing.decisions"] = 2.5
    rules = {f.rule: f.severity for f in validate(values, "2021") if f.rule.startswith("value.")}
    assert rules == {"value.negative": "error", "value.not_integer": "warning"}


def test_repair_settles_doubtful_cells_with_rows_and_columns():
    from extract.checks.repair import repair
    from extract.checks.validate import equations

    values = _values()
    # Two doubtful cells in one row: neither the row rule nor a column rule alone can
    # settle both, together they can. Their images read 1/7 and 31/37.
    values["applications.withheld_prohibited_by_law.enterprise"] = 7
    values["applications.withheld_prohibited_by_law.total"] = 37
    candidates = {
        "applications.withheld_prohibited_by_law.enterprise": [7, 1],
        "applications.withheld_prohibited_by_law.total": [37, 31],
    }
    fixed, repairs = repair(values, candidates, equations("2021"))
    assert fixed["applications.withheld_prohibited_by_law.enterprise"] == 1
    assert fixed["applications.withheld_prohibited_by_law.total"] == 31
    assert {r.key for r in repairs} == set(candidates)
    assert validate(fixed, "2021") == []


def test_repair_never_invents_a_value_the_image_does_not_show():
    from extract.checks.repair import repair
    from extract.checks.validate import equations

    values = _values()
    values["applications.granted.enterprise"] = 27  # printed 21
    fixed, repairs = repair(values, {"applications.granted.enterprise": [27, 28]}, equations("2021"))
    assert repairs == [] and fixed["applications.granted.enterprise"] == 27


def test_repair_leaves_cells_it_cannot_pin_down():
    from extract.checks.repair import repair
    from extract.checks.validate import equations

    values = _values()
    values["applications.granted.total"] = 1363  # the row now wants research + public_interest = 1
    for column in ("research", "public_interest"):
        values[f"applications.granted.{column}"] = None
        values[f"applications.total_handled.{column}"] = None  # no column rule to decide
    candidates = {"applications.granted.research": [0, 1], "applications.granted.public_interest": [0, 1]}
    fixed, repairs = repair(values, candidates, equations("2021"))
    assert repairs == []  # (0, 1) and (1, 0) both fit: nothing is guessed
    assert fixed["applications.granted.research"] is None
