"""The package's shape, as the design card gives it: stage folders in pipeline order, each
importing only stages before it and the shared vocabulary; the shared vocabulary imports
no stage; the stages that read a report (read/ to checks/) never import the orchestration
that runs them (batch/ drives pipeline.py over many files, so it may); no two modules
import each other. Every import counts, lazy ones inside functions included (they run too)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "extract"
STAGES = ("read", "scan", "tables", "checks", "batch", "export", "show", "review")
SHARED = ("page", "geometry", "text", "records", "template", "settings", "errors", "table_shapes", "table_layout")
ORCHESTRATION = ("pipeline", "cli", "volumes")
READING_STAGES = STAGES[: STAGES.index("checks") + 1]


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports() -> dict[str, set[str]]:
    modules = _modules()
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
                prefix = ".".join(base + ([node.module] if node.module else []))
                targets = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in modules else prefix for a in node.names]
            else:
                continue
            edges[name].update(t for t in targets if t in modules and t != name)
    return edges


def _stage(module: str):
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in STAGES else None


def test_stages_import_only_earlier_stages_and_reading_stages_no_orchestration():
    wrong = []
    for module, targets in _imports().items():
        here = _stage(module)
        for target in targets:
            there = _stage(target)
            if here and there and STAGES.index(there) > STAGES.index(here):
                wrong.append(f"{module} -> {target} (a later stage)")
            if here in READING_STAGES and target.split(".")[1] in ORCHESTRATION and len(target.split(".")) == 2:
                wrong.append(f"{module} -> {target} (the orchestration)")
    assert wrong == []


def test_the_shared_vocabulary_imports_no_stage():
    edges = _imports()
    wrong = [f"{m} -> {t}" for m in (f"extract.{s}" for s in SHARED) for t in edges[m] if _stage(t)]
    assert wrong == []


def test_no_two_modules_import_each_other():
    edges = _imports()
    assert sorted(f"{a} <-> {b}" for a in edges for b in edges[a] if a < b and a in edges[b]) == []


def test_the_check_sees_imports():
    """The walker finds what it must (else the tests above would pass on nothing)."""
    edges = _imports()
    assert "extract.tables.grid" in edges["extract.pipeline"]  # absolute-from-relative, module level
    assert "extract.scan.scanned_page" in edges["extract.pipeline"]  # lazy, inside a function
    assert "extract.page" in edges["extract.tables.grid"]  # two dots up
