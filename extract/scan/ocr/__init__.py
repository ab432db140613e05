"""OCR engines behind one small interface, chosen by name and imported only when chosen.

An engine recognises single text lines (batched) and, for page text outside tables,
detects and recognises lines on a whole image. Each adapter pins its model files in
`models/manifest.json` and checks them at load: nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np


@dataclass(frozen=True)
class LineResult:
    text: str
    confidence: float  # 0..1, the recogniser's own score
    # Other texts the same reading supports, known without reading the crop again (a "1"
    # taken for a slash by its slant keeps "1"): no second reading is needed for them.
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class DetectedLine:
    text: str
    confidence: float
    box: tuple[float, float, float, float]  # x0, top, x1, bottom in image pixels


class OcrEngine(Protocol):
    name: str

    def recognize_lines(self, crops: Sequence[np.ndarray], wide: bool = False) -> list[LineResult]:
        """One result per crop, each crop a single line of text (BGR or grey). `wide`: read
        them padded as the model's own pipeline pads a line (slower per crop, steadier on
        hard crops: second readings of unsure lines); an engine may always read that way."""

    def read_page(self, image: np.ndarray, detect_scale: float = 1.0) -> list[DetectedLine]:
        """Detection + recognition over a whole image. `detect_scale` (<= 1) lets the
        detector find the lines on the image scaled by it (lines are found as well at
        ~150 dpi, at a fraction of the cost); they are recognised from the image as given,
        and boxes are in its pixels. An engine may ignore it."""

    def detect_lines(self, image: np.ndarray, detect_scale: float = 1.0) -> list[tuple[float, float, float, float]]:
        """Detection only: the boxes (x0, top, x1, bottom, image pixels) of the text lines
        `read_page` would read, for a caller that recognises only part of them."""


_ENGINES = {
    "rapidocr": "extract.scan.ocr.rapidocr_engine:RapidOcrEngine",
    "paddle": "extract.scan.ocr.paddle_engine:PaddleEngine",
}
ENGINE_NAMES = tuple(_ENGINES)

_cache: dict[tuple[str, int], OcrEngine] = {}


class EngineUnavailable(RuntimeError):
    """The engine's package or its pinned model files are not installed as expected."""


def get_engine(name: str, threads: int = 2) -> OcrEngine:
    """The named engine, loaded once per process (model loading costs about a second)."""
    if name not in _ENGINES:
        raise EngineUnavailable(f"unknown OCR engine {name!r} (choose from {', '.join(_ENGINES)})")
    key = (name, threads)
    if key not in _cache:
        module_name, class_name = _ENGINES[name].split(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise EngineUnavailable(f"OCR engine {name!r} is not installed ({exc.name} missing)") from None
        _cache[key] = getattr(module, class_name)(threads=threads)
    return _cache[key]
