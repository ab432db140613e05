"""PaddleOCR's PP-OCR models (ONNX) run by onnxruntime through the `rapidocr` package.

The model files ship inside the `rapidocr` wheel; they are pinned by sha256 in the
manifest and passed by explicit path, so the package never looks for (or downloads)
anything else.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np

from . import DetectedLine, EngineUnavailable, LineResult
from .manifest import ModelMismatch, pinned_files


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self, threads: int = 2):
        try:
            import rapidocr
            from rapidocr import RapidOCR
            from rapidocr.ch_ppocr_rec import TextRecInput
        except ImportError as exc:
            raise EngineUnavailable(f"the rapidocr engine needs the rapidocr package ({exc})") from None
        try:
            files = pinned_files("rapidocr", Path(rapidocr.__file__).parent)
        except ModelMismatch as exc:
            raise EngineUnavailable(f"rapidocr models: {exc}") from None
        # onnxruntime keeps a small cache under $HOME; a read-only or missing HOME breaks it.
        os.environ.setdefault("HOME", "/tmp")
        self._engine = RapidOCR(
            params={
                "Det.model_path": str(files["det"]),
                "Rec.model_path": str(files["rec"]),
                "Cls.model_path": str(files["cls"]),
                "Det.limit_type": "max",
                "Det.limit_side_len": 1600,
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                "Global.log_level": "error",
                "Global.use_cls": False,
            }
        )
        self._rec_input = TextRecInput
        # The recogniser loads on first use; load it now so timing and errors happen here.
        self._recognizer = self._engine._load_rec_model()

    def recognize_lines(self, crops: Sequence[np.ndarray]) -> list[LineResult]:
        if not crops:
            return []
        images = [c if c.ndim == 3 else np.repeat(c[:, :, None], 3, axis=2) for c in crops]
        out = self._recognizer(self._rec_input(img=images))
        return [LineResult(t, float(s)) for t, s in zip(out.txts, out.scores, strict=True)]

    def read_page(self, image: np.ndarray) -> list[DetectedLine]:
        if image.ndim == 2:
            image = np.repeat(image[:, :, None], 3, axis=2)
        out = self._engine(image, use_det=True, use_cls=False, use_rec=True)
        if out.boxes is None:
            return []
        lines = []
        for quad, text, score in zip(out.boxes, out.txts, out.scores, strict=True):
            xs, ys = quad[:, 0], quad[:, 1]
            lines.append(DetectedLine(text, float(score), (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))))
        return lines
