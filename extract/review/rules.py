"""The rules as a reviewer sees them: which rules involve a cell, whether each holds with the
values in effect, the value a broken rule expects of a cell, and the findings of a report
after corrections (the same `validate` the pipeline runs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

from .. import template as tpl
from ..checks.validate import Equation, equations, validate
from ..records import CellValue, Finding, as_number
from ..template import TemplateVersion

# Rule ids `validate` decides: their findings are replaced when a report is validated again.
VALUE_RULES = frozenset({"value.negative", "value.not_integer"})
# Findings about one cell's reading: settled once a person has confirmed or corrected the cell.
READING_RULES = frozenset({"cell.low_confidence", "cell.unreadable", "cell.repaired"})


@dataclass(frozen=True)
class RuleStatus:
    """One rule that involves a cell, evaluated with the values in effect."""

    rule: str
    label: str  # Chinese description of the rule
    label_en: str
    state: str  # holds | broken | unchecked
    parts: Optional[float]  # sum of the parts, None when unchecked
    totals: Optional[float]
    # The value this cell must have for the rule to hold, the other cells as they are; None
    # when the rule holds, or more than one of its cells is blank.
    expected: Optional[float]


def _sum(keys: Sequence[str], values: Mapping[str, CellValue]) -> Optional[float]:
    numbers = [as_number(values.get(k)) for k in keys]
    return None if any(n is None for n in numbers) else float(sum(numbers))  # type: ignore[arg-type]


def rule_status(equation: Equation, key: str, values: Mapping[str, CellValue]) -> RuleStatus:
    """How `equation` stands for the cell `key`. A rule is a single linear equation, so when
    all its other cells are numbers it fixes this cell's value."""
    parts, totals = _sum(equation.parts, values), _sum(equation.totals, values)
    if parts is not None and totals is not None:
        state = "holds" if abs(parts - totals) <= 1e-6 else "broken"
    else:
        state = "unchecked"
    expected = None
    if state != "holds":
        others_parts = _sum([k for k in equation.parts if k != key], values)
        others_totals = _sum([k for k in equation.totals if k != key], values)
        if others_parts is not None and others_totals is not None:
            value = others_totals - others_parts if key in equation.parts else others_parts - others_totals
            expected = value if value >= 0 else None  # counts are never negative
    return RuleStatus(equation.rule, equation.zh, equation.en, state, parts, totals, expected)


def rules_for(key: str, values: Mapping[str, CellValue], version: TemplateVersion,
              layout: Optional[tpl.OtherLayout]) -> list[RuleStatus]:
    return [rule_status(eq, key, values) for eq in equations(version, layout) if key in eq.cells]


def expected_value(statuses: Sequence[RuleStatus]) -> Optional[float]:
    """The value the broken rules agree a cell must have, or None when none gives one or
    they disagree."""
    found = {s.expected for s in statuses if s.state != "holds" and s.expected is not None}
    return found.pop() if len(found) == 1 else None


def revalidated_findings(
    original: Sequence[Finding],
    values: Mapping[str, CellValue],
    version: TemplateVersion,
    layout: Optional[tpl.OtherLayout],
    reviewed_cells: set[str],
) -> list[Finding]:
    """The report's findings with the values in effect: every rule `validate` decides is
    decided again; findings about a cell's reading are dropped once a person confirmed or
    corrected that cell; the others (tables, pages, prose) are kept as they were."""
    decided = {eq.rule for eq in equations(version, layout)} | VALUE_RULES
    kept = [
        f for f in original
        if f.rule not in decided
        and not (f.rule in READING_RULES and f.cells and set(f.cells) <= reviewed_cells)
    ]
    return kept + validate(values, version, layout)
