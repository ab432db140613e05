"""PaddleOCR's PP-OCR models (ONNX) run by onnxruntime through the `rapidocr` package.

The model files ship inside the `rapidocr` wheel; they are pinned by sha256 in the
manifest and passed by explicit path, so the package never looks for (or downloads)
anything else.

Line recognition is batched here rather than by rapidocr's TextRecognizer: that one pads
every crop of a batch to at least 320 px wide at the model's 48 px height (a 6.7:1 line),
and most crops of a table are one short number (~40-60 px at 48 px height), so ~85 % of
the recogniser's work was padding. Here crops are scaled to 48 px high, sorted by width and
batched by a pixel budget, each batch padded only to its widest crop and to at least
`_MIN_WIDTH_PX` (below two line heights the recogniser grows unsure of a lone "0"; at
96 px the readings of the sample scans' cells are those of the 320 px padding).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np
from rapidocr.utils.process_img import get_rotate_crop_image

from . import DetectedLine, EngineUnavailable, LineResult
from .manifest import ModelMismatch, pinned_files


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self, threads: int = 2):
        try:
            import rapidocr
            from rapidocr import RapidOCR
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
        # The models load on first use; load them now so timing and errors happen here. Their
        # sessions are replaced by ones whose threads sleep between operators instead of
        # spinning (`_session`).
        self._recognizer = self._engine._load_rec_model()
        self._recognizer.session.session = _session(files["rec"], threads)
        self._engine._load_det_model().session.session = _session(files["det"], threads)

    def recognize_lines(self, crops: Sequence[np.ndarray], wide: bool = False) -> list[LineResult]:
        scaled = [_model_input(crop) for crop in crops if crop.size]
        results: list[LineResult] = []
        order = sorted(range(len(scaled)), key=lambda i: scaled[i].shape[2])
        readings: dict[int, LineResult] = {}
        floor = _TRAINED_WIDTH_PX if wide else _MIN_WIDTH_PX
        for batch in _batches(order, [s.shape[2] for s in scaled], floor):
            width = max(floor, max(scaled[i].shape[2] for i in batch))
            # Zero is mid-grey in the model's [-1, 1] input: the padding PaddleOCR trains with.
            tensor = np.zeros((len(batch), 3, _MODEL_HEIGHT_PX, width), dtype=np.float32)
            for row, i in enumerate(batch):
                tensor[row, :, :, : scaled[i].shape[2]] = scaled[i]
            texts, _ = self._recognizer.postprocess_op(
                self._recognizer.session(tensor),
                False,
                wh_ratio_list=[scaled[i].shape[2] / _MODEL_HEIGHT_PX for i in batch],
                max_wh_ratio=width / _MODEL_HEIGHT_PX,
            )
            readings.update((i, LineResult(text, float(score))) for i, (text, score) in zip(batch, texts, strict=True))
        kept = iter(range(len(scaled)))
        for crop in crops:
            # An empty crop (no pixels) reads as nothing, as it did in rapidocr's batches.
            results.append(readings[next(kept)] if crop.size else LineResult("", 0.0))
        return results

    def read_page(self, image: np.ndarray, detect_scale: float = 1.0) -> list[DetectedLine]:
        # rapidocr's detector finds the lines (on the image scaled by detect_scale); they are
        # recognised here, by the width-sorted batches above (rapidocr's own recogniser pads
        # every batch to >= 320 px), from crops of the image as given (rapidocr crops the
        # detector's downscaled copy and scales the crop back up).
        if image.ndim == 2:
            image = np.repeat(image[:, :, None], 3, axis=2)
        quads = self._detect(image, detect_scale)
        crops = [get_rotate_crop_image(image, quad.copy()) for quad in quads]
        lines = []
        for quad, reading in zip(quads, self.recognize_lines(crops), strict=True):
            if not reading.text.strip() or reading.confidence < _TEXT_SCORE:
                continue  # as rapidocr drops them (Global.text_score)
            lines.append(DetectedLine(reading.text, reading.confidence, _box(quad)))
        return lines

    def detect_lines(self, image: np.ndarray, detect_scale: float = 1.0) -> list[tuple[float, float, float, float]]:
        if image.ndim == 2:
            image = np.repeat(image[:, :, None], 3, axis=2)
        return [_box(quad) for quad in self._detect(image, detect_scale)]

    def _detect(self, image: np.ndarray, detect_scale: float) -> list[np.ndarray]:
        """Quads (4 x (x, y), pixels of `image`) of the text lines rapidocr's detector finds
        on the BGR `image` scaled by `detect_scale` (<= 1)."""
        scale = min(1.0, detect_scale)
        small = image if scale >= 1.0 else cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        found = self._engine(small, use_det=True, use_cls=False, use_rec=False)
        quads = getattr(found, "boxes", None)
        if quads is None or not len(quads):
            return []
        # Detected quads (x, y per corner, pixels of `small`) back to the image's pixels.
        return list(np.asarray(quads, dtype=np.float32) * np.float32(
            [image.shape[1] / small.shape[1], image.shape[0] / small.shape[0]]
        ))


def _session(model: Path, threads: int):
    """An onnxruntime session for a pinned model file, set as rapidocr sets its own
    (all graph optimisations, no memory arena, `threads` operator threads when the machine
    has them), except that its operator threads do not spin while they wait for work. A
    spinning thread burns a core between operators and between the scan stage's many small
    batches (onnxruntime's default): on 2 cores the same crops took a third less CPU and no
    more wall time without it (370 cell crops, readings identical); beside other workers the
    spinning steals the cores they need."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 4
    options.enable_cpu_mem_arena = False
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    if 1 <= threads <= (os.cpu_count() or 1):
        options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])


def _box(quad: np.ndarray) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) around a detected quad."""
    xs, ys = quad[:, 0], quad[:, 1]
    return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())


# Detected lines read with less confidence are dropped, as rapidocr's Global.text_score does.
_TEXT_SCORE = 0.5
# The recogniser's input height (px): PP-OCR rec models take 3 x 48 x W.
_MODEL_HEIGHT_PX = 48
# The narrowest batch (px at 48 px height), see the module docstring.
_MIN_WIDTH_PX = 96
# The width (px at 48 px height) PP-OCR's recogniser pads every line to in rapidocr's and
# PaddleOCR's own pipelines (rec_image_shape 3x48x320): `wide` readings use it. On hard
# crops (a seal's lettering over a lone "0") its readings are steadier than at 96 px: two 0s
# under a grey seal read "C" and "中" at 96 px, "0" at 320 (scan-r2025-zeros-split-unable).
_TRAINED_WIDTH_PX = 320
# A batch holds at most this many crops, of widths within this factor of its narrowest
# (padded) one: larger or more mixed batches were slower on 2 cores (per crop, batches of
# 6 beat 48 by ~25 % when not split by width, the padding of the widest crop paid by all).
_BATCH_CROPS = 16
_WIDTH_SPREAD = 1.25


def _model_input(crop: np.ndarray) -> np.ndarray:
    """A line crop (BGR or grey, uint8) as the recogniser's input: 48 px high at its own
    aspect ratio, 3 x 48 x W float32 in [-1, 1] (as rapidocr's TextRecognizer scales it)."""
    if crop.ndim == 2:
        crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
    height, width = crop.shape[:2]
    new_width = max(1, math.ceil(_MODEL_HEIGHT_PX * width / height))
    resized = cv2.resize(crop, (new_width, _MODEL_HEIGHT_PX)).astype(np.float32)
    return resized.transpose(2, 0, 1) / 127.5 - 1.0


def _batches(order: Sequence[int], widths: Sequence[int], floor: int = _MIN_WIDTH_PX) -> list[list[int]]:
    """Consecutive runs of `order` (crop indices sorted by width) that fit one batch: each
    batch is padded to its last (widest) crop and to at least `floor` px, so sorting leaves
    little padding."""
    batches: list[list[int]] = []
    for i in order:
        if batches:
            batch = batches[-1]
            narrowest = max(floor, widths[batch[0]])
            if len(batch) < _BATCH_CROPS and max(floor, widths[i]) <= _WIDTH_SPREAD * narrowest:
                batch.append(i)
                continue
        batches.append([i])
    return batches
