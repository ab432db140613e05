"""Rule accounting and the cause of a broken rule.

Accounting: every instance of a consistency rule the validation evaluates (the template's
equations, a pre-2019 report's `indicators.*` rules, each table figure the text states)
comes out held, broken or unchecked (a cell null, unreadable or unit-bearing); the record's
`rules` counts them, so that a report whose rules were never checked does not pass for
clean.

Cause: a broken arithmetic rule whose cells were all read with certainty (a PDF's text
layer, HTML or Word markup, or a cell a reviewer confirmed or corrected; none repaired) is
the publication's own inconsistency (`cause` "publication"); one that involves an OCR
reading may be a misreading ("reading"). `suspect_cell` names the cell most likely at
fault when the arithmetic singles one out: the only doubtful reading among the rule's
cells (low confidence, repaired, not a number), else the one cell shared by every broken
rule connected to it (through shared cells) that no held rule vouches for.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Sequence

from .. import template as tpl
from ..records import CellValue, Finding, Indicator, RuleAccounting, RuleCount
from ..settings import DEFAULT_SETTINGS
from ..template import TemplateVersion
from ..text import parse_value
from .validate import Outcome, equations, outcome

# Rules that state an arithmetic relation between cells: a broken one gets a cause.
ARITHMETIC_RULES = frozenset({
    "applications.balance", "applications.row_total", "applications.column_total", "review_litigation.total",
    "indicators.parts_sum", "indicators.part_exceeds_parent", "indicators.cumulative_below_year",
    "prose.contradicts_table",
})
# Rules decided from the text (kept as read when a report is validated again after a review).
PROSE_RULES = frozenset({"prose.contradicts_table"})
CERTAIN_SOURCES = frozenset({"text", "html", "docx"})


def template_outcomes(
    values: Mapping[str, CellValue], version: TemplateVersion, layout: Optional[tpl.OtherLayout] = None
) -> list[Outcome]:
    """How every equation of the template came out with these values."""
    return [outcome(eq, values) for eq in equations(version, layout)]


def indicator_outcomes(indicators: Sequence[Indicator], values: Optional[Mapping[str, CellValue]] = None) -> list[Outcome]:
    from .indicator_rules import check_indicators

    found: list[Outcome] = []
    check_indicators(indicators, values, found)
    return found


def account(outcomes: Iterable[Outcome], kept: Optional[Mapping[str, Any]] = None) -> RuleAccounting:
    """The counts of `outcomes`; `kept`: counts per rule id (a record's `rules.by_rule`) to
    add for rules the outcomes do not decide (the prose rule, after a review)."""
    by_rule: dict[str, dict[str, int]] = {}
    for o in outcomes:
        counts = by_rule.setdefault(o.rule, {"held": 0, "broken": 0, "unchecked": 0})
        counts[o.state] += 1
    for rule, counts in (kept or {}).items():
        if rule in by_rule:
            continue
        data = counts.model_dump() if hasattr(counts, "model_dump") else dict(counts)
        by_rule[rule] = {k: int(data.get(k, 0)) for k in ("held", "broken", "unchecked")}
    held = sum(c["held"] for c in by_rule.values())
    broken = sum(c["broken"] for c in by_rule.values())
    unchecked = sum(c["unchecked"] for c in by_rule.values())
    return RuleAccounting(
        checked=held + broken, held=held, broken=broken, unchecked=unchecked,
        by_rule={rule: RuleCount(**by_rule[rule]) for rule in sorted(by_rule)},
    )


def _get(record: Any, name: str) -> Any:
    if record is None:
        return None
    if isinstance(record, Mapping):
        return record.get(name)
    return getattr(record, name, None)


def is_certain(record: Any, threshold: float) -> bool:
    """Read with certainty: a text layer or markup cell, not repaired, confident."""
    return (
        record is not None
        and _get(record, "source") in CERTAIN_SOURCES
        and _get(record, "repair") is None
        and (_get(record, "confidence") or 0.0) >= threshold
    )


def is_doubtful(record: Any, threshold: float) -> bool:
    """A doubtful reading: an OCR cell read with low confidence, a repaired cell, a cell whose
    text is not a number, or a cell with no record."""
    if record is None:
        return True
    if _get(record, "repair") is not None:
        return True
    if _get(record, "source") == "ocr" and (_get(record, "confidence") or 0.0) < threshold:
        return True
    return not parse_value(_get(record, "text") or "").ok


def attribute(
    findings: Sequence[Finding],
    outcomes: Sequence[Outcome],
    cells: Mapping[str, Any],
    threshold: Optional[float] = None,
    reviewed: Iterable[str] = (),
) -> list[Finding]:
    """`findings` with `cause` and `suspect_cell` set on every broken arithmetic rule (error
    or warning); other findings unchanged. `cells`: key -> CellRecord (or its JSON);
    `reviewed`: cells a person confirmed or corrected (certain, never doubtful)."""
    threshold = DEFAULT_SETTINGS.min_ocr_confidence if threshold is None else threshold
    checked = set(reviewed)
    broken = [i for i, f in enumerate(findings)
              if f.rule in ARITHMETIC_RULES and f.severity in ("error", "warning") and f.cells]
    if not broken:
        return list(findings)
    vouched = {k for o in outcomes if o.state == "held" for k in o.cells}

    # Broken rules connected through shared cells.
    parent = {i: i for i in broken}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    holders: dict[str, int] = {}
    for i in broken:
        for k in findings[i].cells:
            if k in holders:
                parent[find(i)] = find(holders[k])
            else:
                holders[k] = i
    groups: dict[int, list[int]] = {}
    for i in broken:
        groups.setdefault(find(i), []).append(i)

    out = list(findings)
    for i in broken:
        f = findings[i]
        certain = all(k in checked or is_certain(cells.get(k), threshold) for k in f.cells)
        doubtful = [k for k in dict.fromkeys(f.cells) if k not in checked and is_doubtful(cells.get(k), threshold)]
        suspect: Optional[str] = None
        if len(doubtful) == 1:
            suspect = doubtful[0]
        elif not doubtful:
            group = groups[find(i)]
            common = set(f.cells)
            for j in group:
                common &= set(findings[j].cells)
            common -= vouched
            if len(common) == 1:
                suspect = common.pop()
        out[i] = f.model_copy(update={"cause": "publication" if certain else "reading", "suspect_cell": suspect})
    return out


def redecide(
    findings: Sequence[Finding],
    record: Mapping[str, Any],
    values: Mapping[str, CellValue],
    version: str,
    layout: Optional[tpl.OtherLayout] = None,
    reviewed: Iterable[str] = (),
    threshold: Optional[float] = None,
) -> tuple[list[Finding], Optional[RuleAccounting]]:
    """After a review: the findings validated again (`findings`) with their causes decided
    again, and the record's rule accounting with the values in effect (the prose rule's
    counts kept as read). The review app, the store and the exports use
    `checks.revalidate.decided_again`, which decides the prose rule again too. The
    accounting is None when the record
    has none (read before it was recorded: unknown, not zero)."""
    reviewed = set(reviewed)
    if version == "pre2019":
        indicators = [Indicator.model_validate(i) for i in record.get("indicators") or ()]
        effective = {i.cell: values.get(i.cell, i.value) for i in indicators}
        outcomes = indicator_outcomes(indicators, effective)
    else:
        outcomes = template_outcomes(values, version, layout)  # type: ignore[arg-type]
    cleared = [f.model_copy(update={"cause": None, "suspect_cell": None}) if f.cause else f for f in findings]
    attributed = attribute(cleared, outcomes, record.get("cells") or {}, threshold, reviewed)
    rules = record.get("rules")
    if not isinstance(rules, Mapping):
        return attributed, None
    kept = {r: c for r, c in (rules.get("by_rule") or {}).items() if r in PROSE_RULES}
    return attributed, account(outcomes, kept)


def describe(rules: Optional[RuleAccounting]) -> str:
    """The accounting in one phrase, for summary lines: unchecked rules always shown."""
    if rules is None:
        return "rules: not recorded"
    return (f"rules: {rules.checked} checked ({rules.held} held, {rules.broken} broken), "
            f"{rules.unchecked} unchecked")


def cause_note(finding: Finding) -> str:
    """" (cause: publication, suspect cell: …)" for a broken rule with a cause; "" otherwise."""
    if finding.cause is None:
        return ""
    what = {"publication": "publication (as printed)", "reading": "reading (possible misreading)"}[finding.cause]
    return f" (cause: {what}" + (f", suspect cell: {finding.suspect_cell}" if finding.suspect_cell else "") + ")"
