from extract.geometry import BBox, Segment, cluster_values, merge_segments
from extract.grid import cell_text, grid_shape, grids_on_page
from extract.page import PageContent, TextBox
from extract.settings import Settings

S = Settings()


def h(y, x0, x1):
    return Segment("h", y, x0, x1)


def v(x, y0, y1):
    return Segment("v", x, y0, y1)


def test_cluster_and_merge_snap_doubled_strokes():
    assert cluster_values([10, 10.6, 50, 51.2, 90], 2.0) == [10.3, 50.6, 90]
    merged = merge_segments([h(10, 0, 40), h(10.5, 39, 80), h(10, 100, 120)], 2.0)
    assert sorted((round(s.start), round(s.end)) for s in merged) == [(0, 80), (100, 120)]


def test_grid_shape_recovers_row_and_column_spans():
    # 3 columns x 3 rows; top row merged across all columns; left column merged over the
    # two lower rows (a vertical label).
    segs = [
        h(0, 0, 300), h(20, 0, 300), h(40, 100, 300), h(60, 0, 300),
        v(0, 0, 60), v(300, 0, 60), v(100, 20, 60), v(200, 20, 60),
    ]
    shape = grid_shape(segs, S)
    assert shape is not None
    assert shape.spans == ((0, 0, 1, 3), (1, 0, 2, 1), (1, 1, 1, 1), (1, 2, 1, 1), (2, 1, 1, 1), (2, 2, 1, 1))


def test_grid_shape_squares_off_an_l_shaped_region():
    # A missing ruling piece leaves cells (0,0),(0,1),(1,0) joined: the cell is the box.
    segs = [
        h(0, 0, 200), h(20, 100, 200), h(40, 0, 200),
        v(0, 0, 40), v(100, 20, 40), v(200, 0, 40),
    ]
    shape = grid_shape(segs, S)
    assert shape.spans == ((0, 0, 2, 2),)


def test_cell_text_joins_wrapped_lines_and_keeps_cjk_unspaced():
    def box(t, x0, top):
        return TextBox(t, BBox(x0, top, x0 + 5, top + 9), 1.0, "text")

    boxes = [box("7", 10, 10), box("2", 15, 10), box("5", 10, 22)]
    assert cell_text(boxes) == "72\n5"
    assert cell_text([box("自", 0, 0), box("然", 5, 0), box("人", 10, 0)]) == "自然人"
    assert cell_text([box("1", 0, 0), box("2", 30, 0)]) == "1 2"


def test_grids_on_page_puts_text_into_merged_cells():
    segs = (h(0, 0, 200), h(20, 0, 200), h(40, 0, 200), v(0, 0, 40), v(100, 20, 40), v(200, 0, 40))
    boxes = (
        TextBox("总", BBox(90, 5, 99, 14), 1.0, "text"),
        TextBox("计", BBox(101, 5, 110, 14), 1.0, "text"),
        TextBox("3", BBox(150, 25, 155, 34), 1.0, "text"),
    )
    page = PageContent(1, 595, 842, boxes, segs, "text")
    (grid,) = grids_on_page(page, S)
    assert (grid.n_rows, grid.n_cols) == (2, 2)
    texts = {(c.row, c.col, c.row_span, c.col_span): c.text for c in grid.cells}
    assert texts == {(0, 0, 1, 2): "总计", (1, 0, 1, 1): "", (1, 1, 1, 1): "3"}


def test_small_boxes_and_underlines_are_not_tables():
    page = PageContent(1, 595, 842, (), (h(100, 50, 300), h(103, 50, 300), v(50, 100, 103)), "text")
    assert grids_on_page(page, S) == []


def test_a_dash_inside_a_cell_is_not_a_ruling():
    segs = (h(0, 0, 200), h(40, 0, 200), v(0, 0, 40), v(100, 0, 40), v(200, 0, 40), h(20, 130, 170))
    page = PageContent(1, 595, 842, (), segs, "text")
    (grid,) = grids_on_page(page, S)
    assert (grid.n_rows, grid.n_cols) == (1, 2)
