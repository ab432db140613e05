"""The output keys are a public contract: the records, the docs and the template agree."""

import re

from conftest import ROOT

from extract import template as tpl
from extract.records import TABLE_MODELS, build_tables, flatten_tables


def test_models_have_exactly_the_template_keys():
    for version in tpl.TEMPLATE_VERSIONS:
        flat = flatten_tables(TABLE_MODELS[version]())
        assert sorted(flat) == sorted(tpl.all_cell_keys(version))
        assert all(v is None for v in flat.values())


def test_build_and_flatten_round_trip():
    values = {k: i for i, k in enumerate(tpl.all_cell_keys("2019"))}
    assert flatten_tables(build_tables("2019", values)) == values


def test_data_dictionary_lists_every_key():
    doc = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_0-9]+)`", doc))
    for version in tpl.TEMPLATE_VERSIONS:
        for key in tpl.all_cell_keys(version):
            table, row, column = key.split(".")
            assert {table, row, column} <= documented, key


def test_data_dictionary_lists_the_indicator_vocabulary():
    """Every vocabulary key is documented with its group and unit, every partition part is a
    vocabulary key, and the dictionary lists no key the vocabulary lacks."""
    from extract.indicators import BY_KEY, PARTITIONS, VOCABULARY

    doc = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    section = doc.split("### Vocabulary", 1)[1].split("### Rules the tables imply", 1)[0]
    rows = {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(r"^\| `([a-z_0-9]+)` \| (\w+) \| (\S+) \|", section, re.M)}
    assert set(rows) == set(BY_KEY)
    for spec in VOCABULARY:
        assert rows[spec.key] == (spec.group, spec.unit), spec.key
    for partition in PARTITIONS:
        assert partition.parent in BY_KEY and set(partition.parts) <= set(BY_KEY)
        assert f"`{partition.parent}`:" in doc
