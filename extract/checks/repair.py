"""Constraint-guided repair of OCR misreads: the table's own arithmetic locates a doubtful
cell and picks, among the readings its image supports, the one that makes every rule
hold. Pure: values and candidate readings in, repairs out.

Only doubtful cells (recognised with low confidence, or unreadable) are ever changed; a
cell printed legibly keeps its value even when the report is wrong as printed, and is
then flagged by validation instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from ..records import CellValue
from .constraints import components, unique_solution
from .validate import Equation


@dataclass(frozen=True)
class Repair:
    key: str
    read_value: CellValue  # what recognition gave
    value: CellValue  # what the rules and the image agree on
    rules: tuple[str, ...]  # rule ids that located it


def repair(
    values: Mapping[str, CellValue],
    candidates: Mapping[str, Sequence[CellValue]],
    equations: Sequence[Equation],
) -> tuple[dict[str, CellValue], list[Repair]]:
    """`candidates`: for each doubtful cell, the values its image supports (its reading
    first). Doubtful cells linked by rules are solved together: every combination of
    supported values is tried against every rule through them whose other cells are
    numbers, and the combination is accepted only when exactly one makes all of them hold.
    A row rule and a column rule can so settle several doubtful cells at once."""
    current = dict(values)
    domains = {
        k: [v for v in dict.fromkeys(vs) if isinstance(v, (int, float)) and not isinstance(v, bool)]
        for k, vs in candidates.items()
    }
    domains = {k: d for k, d in domains.items() if d}
    usable = [
        eq
        for eq in equations
        if any(k in domains for k in eq.cells)
        and all(k in domains or isinstance(current.get(k), (int, float)) for k in eq.cells)
    ]
    repairs: list[Repair] = []
    for component in components(domains, usable):
        rules = [eq for eq in usable if any(k in component for k in eq.cells)]
        solution = unique_solution(component, domains, rules, current)
        if solution is None:
            continue
        for key in component:
            if solution[key] != current.get(key):
                held = tuple(sorted({eq.rule for eq in rules if key in eq.cells}))
                repairs.append(Repair(key, current.get(key), solution[key], held))
        current.update(solution)
    return current, repairs
