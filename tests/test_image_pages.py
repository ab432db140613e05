"""Page images from a scanner: a multi-page TIFF is decoded one page at a time (a bound
volume at 300 DPI colour would not fit a worker's memory decoded whole), and its limits are
checked from the headers before any page is read."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PIL import Image

from extract.errors import InvalidDocument, LimitExceeded
from extract.read.images import load_image_pages
from extract.settings import Settings


def _pages(n: int, size=(1240, 1754)) -> list[np.ndarray]:
    """n A4 pages at 150 DPI (BGR), each with its own marks so pages cannot be mixed up."""
    pages = []
    for k in range(n):
        page = np.full((size[1], size[0], 3), 250, np.uint8)
        page[100 + 40 * k : 140 + 40 * k, 100:900] = (20 * k, 0, 200)
        pages.append(page)
    return pages


def _tiff(path, arrays, dpi=(150, 150)):
    frames = [Image.fromarray(a[:, :, ::-1]) for a in arrays]  # BGR arrays -> RGB images
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=dpi, compression="tiff_deflate")
    return path


def test_a_multipage_tiff_is_decoded_page_by_page(tmp_path, monkeypatch):
    import cv2

    arrays = _pages(5)
    tiff = _tiff(tmp_path / "volume.tif", arrays)
    decoded: list[int] = []
    real = cv2.imreadmulti

    def counting(name, start, count, flags):
        decoded.append(start)
        return real(name, start, count, flags=flags)

    monkeypatch.setattr(cv2, "imreadmulti", counting)
    pages = load_image_pages(tiff, Settings())
    assert len(pages) == 5 and decoded == []  # nothing decoded yet
    third = pages[2]
    assert decoded == [2] and third.number == 3 and third.dpi == 150
    assert np.array_equal(third.image, arrays[2])
    assert [p.number for p in pages] == [1, 2, 3, 4, 5]

    wanted = load_image_pages(tiff, dataclasses.replace(Settings(), pages=(4, 2)))
    assert [p.number for p in wanted] == [4, 2]
    assert np.array_equal(wanted[0].image, arrays[3])


def test_a_bad_page_fails_before_any_page_is_read(tmp_path):
    arrays = _pages(3)
    arrays[2] = arrays[2][:200, :250].copy()  # a scrap too small to read, last in the file
    tiff = _tiff(tmp_path / "scrap.tif", arrays)
    with pytest.raises(InvalidDocument, match="page 3 is only 250 x 200 pixels"):
        load_image_pages(tiff, Settings())
    with pytest.raises(LimitExceeded, match="page 1 is 1240 x 1754 pixels"):
        load_image_pages(_tiff(tmp_path / "ok.tif", _pages(2)), dataclasses.replace(Settings(), max_image_pixels=200_000))
    with pytest.raises(LimitExceeded, match="3 pages"):
        load_image_pages(_tiff(tmp_path / "three.tif", _pages(3)), dataclasses.replace(Settings(), max_pages=2))
    with pytest.raises(InvalidDocument, match="page 9 does not exist"):
        load_image_pages(_tiff(tmp_path / "two.tif", _pages(2)), dataclasses.replace(Settings(), pages=(9,)))


def test_a_truncated_tiff_is_a_clear_error(tmp_path):
    good = _tiff(tmp_path / "good.tif", _pages(3))
    data = good.read_bytes()
    cut = tmp_path / "cut.tif"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InvalidDocument, match="damaged or truncated"):
        load_image_pages(cut, Settings())
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(InvalidDocument, match="empty"):
        load_image_pages(empty, Settings())
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image at all" * 20)
    with pytest.raises(InvalidDocument, match="not a readable image"):
        load_image_pages(junk, Settings())
