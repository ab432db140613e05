"""The printed layouts of 二, 三 and 四: every record key placed once, the grid covered once."""

from __future__ import annotations

import pytest

from extract.table_layout import (
    TABLE_TITLES,
    applications_layout,
    printed_other_layout,
    report_layouts,
    table_layouts,
)
from extract.template import (
    OTHER_ROW_KEYS,
    TABLE_KEYS,
    TEMPLATE_VERSIONS,
    all_cell_keys,
)

CASES = [(v, layout) for v in TEMPLATE_VERSIONS for layout in ("split", "single")]


@pytest.mark.parametrize("version,other", CASES)
def test_every_record_key_is_one_value_cell(version, other):
    layouts = table_layouts(version, other)
    assert [t.table for t in layouts] == list(TABLE_KEYS)
    expected = all_cell_keys(version, other)
    for layout in layouts:
        keys = [c.key for c in layout.value_cells]
        want = [k for k in expected if k.startswith(f"{layout.table}.")]
        assert sorted(keys) == sorted(want), layout.table
        assert len(set(keys)) == len(keys)
        assert all(not c.text for c in layout.value_cells)


@pytest.mark.parametrize("version,other", CASES)
def test_cells_cover_the_grid_exactly_once(version, other):
    for layout in table_layouts(version, other):
        covered: dict[tuple[int, int], object] = {}
        for cell in layout.cells:
            assert cell.row_span >= 1 and cell.col_span >= 1
            for pos in cell.positions:
                assert 0 <= pos[0] < layout.n_rows and 0 <= pos[1] < layout.n_cols, (layout.table, cell)
                assert pos not in covered, (layout.table, cell, covered.get(pos))
                covered[pos] = cell
        assert len(covered) == layout.n_rows * layout.n_cols, layout.table
        assert sum(len(r) for r in layout.rows()) == len(layout.cells)
        assert layout.title == TABLE_TITLES[layout.table]


def test_applications_groups_span_their_rows():
    layout = applications_layout("2021")
    by_text = {c.text: c for c in layout.cells if c.kind != "value"}
    results = by_text["三、本年度办理结果"]
    granted = next(c for c in layout.cells if c.key == "applications.granted.total")
    total = next(c for c in layout.cells if c.key == "applications.total_handled.total")
    assert (results.row, results.col) == (granted.row, 0)
    assert results.row + results.row_span - 1 == total.row
    withheld = by_text["（三）不予公开"]
    assert (withheld.col, withheld.row_span) == (1, 8)
    other = by_text["（六）其他处理"]
    assert other.row_span == 3
    assert by_text["申请人情况"].col_span == 7 and by_text["法人或其他组织"].col_span == 5
    assert by_text["自然人"].row_span == 2 and by_text["总计"].row_span == 2
    # A leaf label sits on its values' row and names the row.
    leaf = next(c for c in layout.cells if c.key == "applications.withheld_admin_query")
    assert leaf.text == "8.属于行政查询事项"
    assert leaf.row == next(c for c in layout.cells if c.key == "applications.withheld_admin_query.total").row


def test_single_other_layout_prints_one_row():
    layout = applications_layout("2021", "single")
    keys = {c.key.split(".")[1] for c in layout.value_cells}
    assert "other" in keys and not keys & set(OTHER_ROW_KEYS["split"])
    other = next(c for c in layout.cells if c.key == "applications.other")
    assert (other.col, other.col_span, other.row_span) == (1, 2, 1)


def test_review_header():
    review = table_layouts("2019")[2]
    assert review.n_rows == 4 and review.n_cols == 15
    top = [c.text for c in review.cells if c.row == 0]
    assert top == ["行政复议", "行政诉讼"]
    assert [c.key for c in review.cells if c.row == 3][:2] == ["review_litigation.review.upheld",
                                                              "review_litigation.review.corrected"]


def test_proactive_blocks():
    layout = table_layouts("2021")[0]
    headings = [c.text for c in layout.cells if c.col_span == 4]
    assert headings == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    fees = next(c for c in layout.cells if c.key == "proactive.fees.amount_10k_yuan")
    assert (fees.col, fees.col_span) == (1, 3)
    layout19 = table_layouts("2019")[0]
    fees = [c for c in layout19.cells if c.key.startswith("proactive.fees.")]
    assert [(c.col, c.col_span) for c in fees] == [(1, 1), (2, 2)]


def test_report_layout_follows_the_other_layout_finding():
    from extract.records import Finding, Report, ReportInfo, Source, build_tables

    source = Source(file="x.pdf", sha256="0" * 64, pages=1, kind="digital")
    note = Finding(rule="applications.other_layout", severity="info", message="m", message_en="m")
    plain = Report(source=source, report=ReportInfo(), tables=build_tables("2021", {}))
    assert printed_other_layout("2021", set()) == "split"
    assert "applications.other.total" not in report_layouts(plain)[1].value_keys
    single = plain.model_copy(update={"findings": (note,)})
    assert "applications.other.total" in report_layouts(single)[1].value_keys
    assert printed_other_layout("2019", {"applications.other_layout"}) == "split"


def test_value_captions_name_row_and_column():
    from extract.table_layout import value_captions

    proactive, applications, review = table_layouts("2021")
    captions = {**value_captions(proactive), **value_captions(applications), **value_captions(review)}
    assert captions["proactive.fees.amount_10k_yuan"] == ("行政事业性收费", "本年收费金额（单位：万元）")
    assert captions["proactive.licensing.decisions"] == ("行政许可", "本年处理决定数量")
    assert captions["applications.withheld_third_party.research"] == ("4.保护第三方合法权益", "科研机构")
    assert captions["review_litigation.litigation_direct.pending"] == ("行政诉讼 › 未经复议直接起诉", "尚未审结")
    assert captions["review_litigation.review.total"] == ("行政复议", "总计")
