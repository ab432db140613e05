"""The documentation of the output is a contract too: every JSON Schema property has a
description, the Chinese data dictionary lists the same keys as the template, the vocabulary
and the records, and both dictionaries document every column (with its type) of every export
table and every cell flag."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from extract import template as tpl
from extract.export.csv_wide import REPORT_COLUMNS
from extract.export.stored import CELL_FLAG_NAMES
from extract.export.tables import CELLS, COMPANIONS
from extract.records import Report

EN = ROOT / "docs" / "data-dictionary.md"
ZH = ROOT / "docs" / "data-dictionary.zh.md"


def _documented(text: str) -> set[str]:
    return set(re.findall(r"`([A-Za-z_0-9.]+)`", text))


def test_every_json_schema_property_has_a_description():
    schema = Report.model_json_schema()
    models = {"Report": schema, **schema["$defs"]}
    missing = [f"{name}.{prop}" for name, model in models.items()
               for prop, spec in (model.get("properties") or {}).items() if not spec.get("description")]
    assert missing == []
    # table cells are described by their printed labels
    granted = schema["$defs"]["Applications2021"]["properties"]["granted"]
    assert granted["description"] == "（一）予以公开"
    assert schema["$defs"]["Applications2021_granted"]["properties"]["enterprise"]["description"].startswith(
        "法人或其他组织 › 商业企业")


def test_the_chinese_dictionary_lists_every_key():
    doc = ZH.read_text(encoding="utf-8")
    documented = _documented(doc)
    for version in tpl.TEMPLATE_VERSIONS:
        for key in tpl.all_cell_keys(version):
            assert set(key.split(".")) <= documented, key
    # the record's fields, at every level
    schema = Report.model_json_schema()
    for name in ("Report", "CellRecord", "Finding", "RuleAccounting", "Source", "ReportInfo", "Indicator", "Section",
                 "ProseFigure"):
        model = schema if name == "Report" else schema["$defs"][name]
        assert set(model["properties"]) <= documented, name
    # every rule the English dictionary lists
    english = EN.read_text(encoding="utf-8").split("## Rules (findings)", 1)[1].split("\n## ", 1)[0]
    rules = {r for r in _documented(english) if re.fullmatch(r"[a-z_0-9]+\.[a-z_0-9]+", r)}
    assert rules and rules <= documented, sorted(rules - documented)


def test_the_chinese_dictionary_lists_the_indicator_vocabulary():
    from extract.indicators import BY_KEY, PARTITIONS, VOCABULARY

    doc = ZH.read_text(encoding="utf-8")
    section = doc.split("### 指标词表", 1)[1].split("### 统计表隐含的规则", 1)[0]
    rows = {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(r"^\| `([a-z_0-9]+)` \| (\w+) \| (\S+) \|", section, re.M)}
    assert set(rows) == set(BY_KEY)
    for spec in VOCABULARY:
        assert rows[spec.key] == (spec.group, spec.unit), spec.key
    for partition in PARTITIONS:
        assert f"`{partition.parent}`:" in doc


@pytest.mark.parametrize("path", [EN, ZH], ids=["en", "zh"])
def test_both_dictionaries_document_every_export_column_and_flag(path):
    doc = path.read_text(encoding="utf-8")
    for table in (CELLS, *COMPANIONS):
        heading = re.search(rf"^#+ `{table.name}`[:：].*$", doc, re.M)
        assert heading, table.name
        section = doc[heading.end():].split("\n#", 1)[0]
        rows = dict(re.findall(r"^\| `([a-z_0-9]+)` \| (\w+) \|", section, re.M))
        assert rows == {c.name: c.kind for c in table.columns}, table.name
        assert f"results.{table.name}.parquet" in doc or table is CELLS
    assert set(REPORT_COLUMNS) <= _documented(doc)
    flags = doc.split("# Cell flags" if path == EN else "# 单元格标记", 1)[1].split("\n#", 1)[0]
    assert re.findall(r"^\| `([a-z_]+)` \|", flags, re.M) == list(CELL_FLAG_NAMES)
