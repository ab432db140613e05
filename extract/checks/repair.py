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
from .validate import _TOLERANCE, Equation


@dataclass(frozen=True)
class Repair:
    key: str
    read_value: CellValue  # what recognition gave
    value: CellValue  # what the rules and the image agree on
    rules: tuple[str, ...]  # rule ids that located it


# Bound on the search for one group of linked doubtful cells; past it nothing is changed.
_MAX_NODES = 200_000


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
    for component in _components(domains, usable):
        rules = [eq for eq in usable if any(k in component for k in eq.cells)]
        solution = _unique_solution(component, domains, rules, current)
        if solution is None:
            continue
        for key in component:
            if solution[key] != current.get(key):
                held = tuple(sorted({eq.rule for eq in rules if key in eq.cells}))
                repairs.append(Repair(key, current.get(key), solution[key], held))
        current.update(solution)
    return current, repairs


def _components(domains: Mapping[str, list], equations: Sequence[Equation]) -> list[list[str]]:
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


def _unique_solution(
    keys: list[str], domains: Mapping[str, list], equations: Sequence[Equation], fixed: Mapping[str, CellValue]
) -> dict[str, CellValue] | None:
    """The one assignment of `keys` from their domains under which every equation holds;
    None when there is none, more than one, or the search is too large."""
    # Most constrained first: small domains and many equations prune early.
    order = sorted(keys, key=lambda k: (len(domains[k]), -sum(k in eq.cells for eq in equations)))
    position = {k: i for i, k in enumerate(order)}
    # Each equation is checked as soon as its last doubtful cell is assigned.
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
            if nodes > _MAX_NODES:
                return True
            values[order[i]] = v
            if all(abs(eq.residual(values) or 0.0) <= _TOLERANCE for eq in due.get(i, [])):
                if search(i + 1):
                    return True
        return False

    aborted = search(0)
    if aborted and (nodes > _MAX_NODES or len(found) != 1):
        return None
    return found[0] if len(found) == 1 else None
