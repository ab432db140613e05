"""The rules as a reviewer sees them: which rules involve a cell, whether each holds with the
values in effect, the value a broken rule expects of a cell, and the findings of a report
after corrections (the same `validate` the pipeline runs).

A value is suggested for a cell only when the rules determine it for that cell alone, given
the others (`suggest`, from `checks.constraints`, the search the pipeline's repair uses):
when several cells could each explain a broken rule, none of them gets a suggestion and the
candidates are listed instead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Optional, Sequence

from .. import template as tpl
from ..checks.constraints import CellFix, explanations, value_fixed_by
from ..checks.indicator_rules import checked_partition, indicator_rows, printed_under
from ..checks.reviewer_input import SIGNED_COLUMNS
from ..checks.validate import Equation, equations
from ..records import CellValue, Indicator, as_number
from ..template import TemplateVersion


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


# ------------------------------------------------------------------ pre-2019 indicator rules
#
# The rules `checks.indicator_rules.check_indicators` decides, as a reviewer sees them for one
# cell: `indicators.parts_sum` is an equation (a parent = the sum of the 其中 items that
# partition it, per value column), so it can fix a cell's value; `part_exceeds_parent` and
# `cumulative_below_year` are inequalities and never suggest a value.


def _number(values: Mapping[str, CellValue], ind: Indicator) -> Optional[float]:
    return as_number(values.get(ind.cell, ind.value))


def indicator_rules_for(key: str, indicators: Sequence[Indicator], values: Mapping[str, CellValue]) -> list[RuleStatus]:
    """Every indicator rule that involves the cell `key`, with the values in effect."""
    rows = indicator_rows(indicators)
    statuses: list[RuleStatus] = []
    for parent_place, child_places in sorted(printed_under(rows).items()):
        parent = rows[parent_place][0]
        partition = checked_partition(parent, [rows[c][0] for c in child_places])
        partitioned = partition is not None
        for parent_cell in rows[parent_place]:
            parts = [next(c for c in rows[p] if c.column == parent_cell.column)
                     for p in child_places if any(c.column == parent_cell.column for c in rows[p])]
            total = _number(values, parent_cell)
            # Each item is at most its parent (same unit): every variant, overlapping items too.
            for part in parts:
                if key not in (parent_cell.cell, part.cell):
                    continue
                if (part.unit or parent_cell.unit) != (parent_cell.unit or part.unit):
                    continue
                n = _number(values, part)
                state = "unchecked" if n is None or total is None else ("holds" if n <= total else "broken")
                statuses.append(RuleStatus(
                    "indicators.part_exceeds_parent",
                    f"“{part.label}”不大于“{parent.label}”（{parent_cell.column}）",
                    f"“{part.label}” is at most “{parent.label}” ({parent_cell.column})",
                    state, n, total, None))
            if not partitioned or len(parts) < 2 or key not in (parent_cell.cell, *(p.cell for p in parts)):
                continue
            assert partition is not None
            numbers = [_number(values, p) for p in parts]
            known = None if any(n is None for n in numbers) else float(sum(numbers))  # type: ignore[arg-type]
            state = "unchecked" if known is None or total is None else (
                "holds" if abs(known - total) <= 1e-6 else "broken")
            expected = None
            if state != "holds":
                others = [n for p, n in zip(parts, numbers) if p.cell != key]
                if key == parent_cell.cell and known is not None:
                    expected = known
                elif key != parent_cell.cell and total is not None and all(n is not None for n in others):
                    value = total - sum(others)  # type: ignore[arg-type]
                    expected = value if value >= 0 else None
            statuses.append(RuleStatus(
                "indicators.parts_sum",
                f"“{parent.label}”（{parent_cell.column}）等于其中各项之和（{partition.note}）",
                f"“{parent.label}” ({parent_cell.column}) equals the sum of its items ({partition.note})",
                state, known, total, expected))
    for cells in rows.values():
        year = next((c for c in cells if c.column_key == "this_year"), None)
        running = next((c for c in cells if c.column_key == "cumulative"), None)
        if year is None or running is None or key not in (year.cell, running.cell):
            continue
        a, b = _number(values, year), _number(values, running)
        state = "unchecked" if a is None or b is None else ("holds" if b >= a else "broken")
        statuses.append(RuleStatus(
            "indicators.cumulative_below_year",
            f"“{year.label}”的{running.column}不小于{year.column}",
            f"“{year.label}”: {running.column} is at least {year.column}",
            state, a, b, None))
    return statuses


# ------------------------------------------------------------------ suggestions


@dataclass(frozen=True)
class Suggestion:
    """What the rules say a cell's value should be, and how sure that is.

    certainty: "determined" (the rules fix this cell's value alone, given the others:
    `value`), "candidates" (a broken rule that several cells could each explain: `candidates`
    lists each cell and the value that would make the rules hold; no value for this cell),
    "unexplained" (broken rules no single cell explains: more than one cell is off, or the
    report is wrong as printed), "none" (no broken rule involves the cell, nor does a rule
    fix it as its one unknown)."""

    certainty: str
    value: Optional[float | int] = None
    candidates: tuple[CellFix, ...] = ()

    def describe(self) -> tuple[str, str]:
        """(Chinese, English): how sure the suggestion is, in words."""
        n = len(self.candidates)
        return {
            "determined": ("规则唯一确定此格的值（其余单元格不变）",
                           "the rules determine this cell's value alone, the other cells as they are"),
            "candidates": (f"不确定：{n} 个单元格都可单独解释此规则不成立，请对照原件判断",
                           f"not sure: any of {n} cells could alone explain the broken rule; check the source"),
            "unexplained": ("无法由单个单元格解释：可能不止一处有误，或报告本身如此印制",
                            "no single cell explains it: more than one cell may be off, or the report printed it so"),
            "none": ("", ""),
        }[self.certainty]


def _signed(keys) -> frozenset[str]:
    return frozenset(k for k in keys if k.rsplit(".", 1)[-1] in SIGNED_COLUMNS and not k.startswith("indicators."))


class Suggestions:
    """The suggestion for any cell of one report (see `Suggestion`), from one pass over its
    rules: the groups of broken rules and the cells that could each explain them are found
    once (`checks.constraints.explanations`). `allowed(key, value)`: a candidate value that
    breaks another kind of rule (a pre-2019 inequality) is no candidate."""

    def __init__(self, values: Mapping[str, CellValue], eqs: Sequence[Equation],
                 allowed: Callable[[str, CellValue], bool] = lambda key, value: True):
        self.values, self.eqs, self.allowed = values, eqs, allowed
        self.signed = _signed(values)
        self.group_of = {k: g for g in explanations(values, eqs, may_be_negative=self.signed) for k in g.cells}

    def __call__(self, key: str) -> Suggestion:
        group = self.group_of.get(key)
        if group is not None:
            fixes = tuple(f for f in group.fixes if self.allowed(f.key, f.value))
            if not fixes:
                return Suggestion("unexplained")
            if len(fixes) == 1 and fixes[0].key == key:
                return Suggestion("determined", fixes[0].value, fixes)  # type: ignore[arg-type]
            return Suggestion("candidates", None, fixes)
        if as_number(self.values.get(key)) is not None:
            return Suggestion("none")
        # A blank or unreadable cell: the rules fix it when they agree, the others being numbers.
        value = value_fixed_by(key, self.values, self.eqs, may_be_negative=self.signed)
        if value is None or not self.allowed(key, value):
            return Suggestion("none")
        rules = tuple(sorted({eq.rule for eq in self.eqs if key in eq.cells}))
        return Suggestion("determined", value, (CellFix(key, value, rules),))  # type: ignore[arg-type]


def template_suggestions(values: Mapping[str, CellValue], version: TemplateVersion,
                         layout: Optional[tpl.OtherLayout]) -> Suggestions:
    return Suggestions(values, equations(version, layout))


def indicator_equations(indicators: Sequence[Indicator], values: Mapping[str, CellValue]) -> list[Equation]:
    """A pre-2019 report's `indicators.parts_sum` rules as equations (a parent = the sum of
    the 其中 items that partition it, per value column), as `check_indicators` finds them."""
    from ..checks.accounting import indicator_outcomes

    return [Equation(o.rule, o.cells[1:], o.cells[:1], o.cells, "", "")
            for o in indicator_outcomes(indicators, values) if o.rule == "indicators.parts_sum"]


def indicator_suggestions(indicators: Sequence[Indicator], values: Mapping[str, CellValue]) -> Suggestions:
    """Suggestions for indicator cells: from the parts_sum equations, a candidate kept only
    when its value keeps every inequality involving its cell true."""
    effective = {i.cell: values.get(i.cell, i.value) for i in indicators}

    def allowed(cell: str, value: CellValue) -> bool:
        trial = {**effective, cell: value}
        return not any(s.state == "broken" for s in indicator_rules_for(cell, indicators, trial))

    return Suggestions(effective, indicator_equations(indicators, effective), allowed)
