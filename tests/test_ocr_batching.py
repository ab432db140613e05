"""The rapidocr adapter's own batching (crops sorted by width, padded per batch): every
crop's reading comes back in the caller's order, whatever the mix of widths, grey or BGR."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

pytest.importorskip("rapidocr")

from extract.scan.ocr import get_engine
from extract.scan.ocr.rapidocr_engine import _BATCH_CROPS, _batches


def _number_crop(text: str, colour: bool) -> np.ndarray:
    """A printed number on white with a margin, ~34 px high (a 10 pt figure at 200 dpi)."""
    width = 24 * len(text) + 24
    image = np.full((44, width), 255, np.uint8)
    cv2.putText(image, text, (12, 34), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2, cv2.LINE_AA)
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if colour else image


def test_readings_come_back_in_order_across_batches():
    rng = np.random.default_rng(7)
    # Short and long numbers shuffled: several batches (more crops than one batch holds,
    # widths from 1 to 16 digits), so a reading put back at the wrong index would show.
    texts = [str(rng.integers(0, 10 ** int(rng.integers(1, 17)))) for _ in range(2 * _BATCH_CROPS + 5)]
    crops = [_number_crop(t, colour=bool(i % 2)) for i, t in enumerate(texts)]
    results = get_engine("rapidocr").recognize_lines(crops)
    assert len(results) == len(texts)
    read = [r.text.replace(" ", "") for r in results]
    assert sum(a == b for a, b in zip(read, texts)) >= 0.9 * len(texts), list(zip(texts, read))
    # Misreadings stay misreadings of their own crop, never another crop's number.
    assert not [t for t, r in zip(texts, read) if r != t and r in texts and texts.count(r) == 1 and len(r) > 2]


def test_batches_keep_widths_close():
    widths = [40, 500, 96, 97, 130, 700, 45, 1000]
    order = sorted(range(len(widths)), key=widths.__getitem__)
    batches = _batches(order, widths)
    assert sorted(i for b in batches for i in b) == list(range(len(widths)))
    for batch in batches:
        padded = [max(96, widths[i]) for i in batch]
        assert max(padded) <= 1.25 * min(padded)
