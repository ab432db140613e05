"""What a table's arithmetic says about its cells, given the others: the groups of cells its
rules link, the one assignment of a group's unknown cells under which every rule holds, and
the cells whose value alone could explain a broken rule. Pure: values and equations in.

Shared by the pipeline's repair (`checks.repair`: which of the readings an image supports
makes the rules hold) and the review app's suggestions (`review.rules`: which value to offer
a reviewer, and how sure that is): one constraint logic, not two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

from ..records import CellValue, as_number
from .validate import _TOLERANCE, Equation

# Bound on the search for one group of linked unknown cells; past it nothing is decided.
MAX_NODES = 200_000


def components(domains: Mapping[str, list], equations: Sequence[Equation]) -> list[list[str]]:
    """The keys of `domains` linked through shared equations, one sorted list per group
    (keys no equation names are left out)."""
    parent = {k: k for k in domains}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for eq in equations:
        keys = [k for k in eq.cells if k in domains]
        for other in keys[1:]:
            parent[find(other)] = find(keys[0])
    groups: dict[str, list[str]] = {}
    for k in domains:
        if any(k in eq.cells for eq in equations):
            groups.setdefault(find(k), []).append(k)
    return [sorted(g) for g in groups.values()]


def unique_solution(
    keys: Sequence[str], domains: Mapping[str, Sequence[CellValue]], equations: Sequence[Equation],
    fixed: Mapping[str, CellValue], max_nodes: int = MAX_NODES,
) -> Optional[dict[str, CellValue]]:
    """The one assignment of `keys` from their domains under which every equation holds
    (the other cells as in `fixed`); None when there is none, more than one, or the search
    is too large."""
    # Most constrained first: small domains and many equations prune early.
    order = sorted(keys, key=lambda k: (len(domains[k]), -sum(k in eq.cells for eq in equations)))
    position = {k: i for i, k in enumerate(order)}
    # Each equation is checked as soon as its last unknown cell is assigned.
    due: dict[int, list[Equation]] = {}
    for eq in equations:
        last = max(position[k] for k in eq.cells if k in position)
        due.setdefault(last, []).append(eq)
    values = dict(fixed)
    found: list[dict[str, CellValue]] = []
    nodes = 0

    def search(i: int) -> bool:
        nonlocal nodes
        if i == len(order):
            found.append({k: values[k] for k in order})
            return len(found) > 1
        for v in domains[order[i]]:
            nodes += 1
            if nodes > max_nodes:
                return True
            values[order[i]] = v
            if all(abs(eq.residual(values) or 0.0) <= _TOLERANCE for eq in due.get(i, [])):
                if search(i + 1):
                    return True
        return False

    aborted = search(0)
    if aborted and (nodes > max_nodes or len(found) != 1):
        return None
    return found[0] if len(found) == 1 else None


# ------------------------------------------------------------------ single-cell explanations


def solved_for(equation: Equation, key: str, values: Mapping[str, CellValue]) -> Optional[float]:
    """The value of `key` under which `equation` holds, its other cells as they are; None
    when another of its cells is not a number. (A rule is one linear equation in which each
    cell counts once: it fixes any one cell from the others.)"""
    others = [k for k in equation.cells if k != key]
    numbers = {k: as_number(values.get(k)) for k in others}
    if any(n is None for n in numbers.values()):
        return None
    parts = sum(numbers[k] for k in equation.parts if k != key)  # type: ignore[misc]
    totals = sum(numbers[k] for k in equation.totals if k != key)  # type: ignore[misc]
    return totals - parts if key in equation.parts else parts - totals


@dataclass(frozen=True)
class CellFix:
    """One cell whose value alone, changed, would make every rule of a group hold."""

    key: str
    value: CellValue  # whole numbers as int
    rules: tuple[str, ...]  # ids of the rules through the cell that then hold


@dataclass(frozen=True)
class Explanation:
    """A group of broken rules linked through shared cells, and the cells that could each
    alone explain them: one fix is a determined value; several are candidates a person must
    choose between; none means more than one cell is off (or the publication is)."""

    rules: tuple[str, ...]  # ids of the group's broken rules, one per instance
    cells: tuple[str, ...]  # every cell of those rules
    fixes: tuple[CellFix, ...]

    @property
    def unique(self) -> bool:
        return len(self.fixes) == 1


def _whole(value: float) -> CellValue:
    return int(round(value)) if abs(value - round(value)) <= _TOLERANCE else value


def value_fixed_by(key: str, values: Mapping[str, CellValue], equations: Sequence[Equation], *,
                   may_be_negative: frozenset[str] = frozenset()) -> Optional[CellValue]:
    """The one value of `key` under which every rule through it whose other cells are
    numbers holds (the others as they are): `unique_solution` over the values those rules
    each fix. None when no rule fixes it, or they disagree. Counts are never negative (keys
    in `may_be_negative` excepted)."""
    fixing = [(eq, v) for eq in equations if key in eq.cells and (v := solved_for(eq, key, values)) is not None]
    domain = list(dict.fromkeys(_whole(v) for _, v in fixing if v >= -_TOLERANCE or key in may_be_negative))
    if not domain:
        return None
    solution = unique_solution([key], {key: domain}, [eq for eq, _ in fixing], values)
    return None if solution is None else solution[key]


def explanations(
    values: Mapping[str, CellValue], equations: Sequence[Equation], *, may_be_negative: frozenset[str] = frozenset(),
) -> list[Explanation]:
    """For each group of broken rules (linked through shared cells): the cells whose value
    alone, the others as they are, makes every rule through them hold (`value_fixed_by`),
    and with them every broken rule of the group."""
    broken = [eq for eq in equations if (r := eq.residual(values)) is not None and abs(r) > _TOLERANCE]
    cells_of_broken: dict[str, list] = {k: [] for eq in broken for k in eq.cells}
    found: list[Explanation] = []
    for group in components(cells_of_broken, broken):
        group_rules = [eq for eq in broken if any(k in group for k in eq.cells)]
        fixes: list[CellFix] = []
        for key in group:
            if not all(key in eq.cells for eq in group_rules):
                continue  # a broken rule without this cell stays broken whatever its value
            value = value_fixed_by(key, values, equations, may_be_negative=may_be_negative)
            if value is not None and value != values.get(key):
                rules = tuple(sorted({eq.rule for eq in equations if key in eq.cells}))
                fixes.append(CellFix(key, value, rules))
        found.append(Explanation(tuple(eq.rule for eq in group_rules), tuple(group), tuple(fixes)))
    return found
