"""Making scans of real PDFs inside tests: render, turn, tilt, add noise, JPEG, wrap as an
image-only PDF. Deterministic for a given seed."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extract.page import PageImage


def add_jpeg_page(dst: pdfium.PdfDocument, width: float, height: float, image: np.ndarray, quality: int) -> None:
    """A new page of dst (width x height pt) showing the image as a JPEG of this quality."""
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    new = dst.new_page(width, height)
    picture = pdfium.PdfImage.new(dst)
    picture.load_jpeg(io.BytesIO(jpeg.tobytes()), inline=True)
    picture.set_matrix(pdfium.PdfMatrix().scale(width, height))
    new.insert_obj(picture)
    new.gen_content()


def degrade(image: np.ndarray, skew_deg: float, quality: int, seed: int, turns: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), skew_deg, 1.0)
    out = cv2.warpAffine(image, matrix, (w, h), borderValue=(238, 238, 238))
    # uneven lighting: darker towards one corner
    yy, xx = np.mgrid[0:h, 0:w]
    light = 1.0 - 0.12 * (xx / w + yy / h) / 2
    out = out.astype(np.float32) * light[:, :, None] + rng.normal(0, 6, out.shape)
    out = np.clip(out, 0, 255).astype(np.uint8)
    out = np.ascontiguousarray(np.rot90(out, turns))
    ok, jpeg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return jpeg.tobytes()


def scan_pdf(src: Path, out: Path, dpi: int = 200, quality: int = 50, skew_deg: float = 1.2,
             turns: dict[int, int] | None = None, keep_text_pages: tuple[int, ...] = (), seed: int = 7) -> Path:
    """Every page (1-based numbers not in keep_text_pages) replaced by a degraded scan;
    `turns` maps a page number to quarter turns applied to its image (the page is then
    placed as scanned: a sideways scan lands on a landscape page)."""
    turns = turns or {}
    src_doc = pdfium.PdfDocument(str(src))
    dst = pdfium.PdfDocument.new()
    for i in range(len(src_doc)):
        number = i + 1
        if number in keep_text_pages:
            dst.import_pages(src_doc, [i])
            continue
        page = src_doc[i]
        width, height = page.get_size()
        image = page.render(scale=dpi / 72).to_numpy()[:, :, :3].copy()
        k = turns.get(number, 0)
        jpeg = degrade(image, skew_deg * (1 if i % 2 else -1), quality, seed + i, k)
        if k % 2:
            width, height = height, width
        new = dst.new_page(width, height)
        picture = pdfium.PdfImage.new(dst)
        import io

        picture.load_jpeg(io.BytesIO(jpeg), inline=True)
        picture.set_matrix(pdfium.PdfMatrix().scale(width, height))
        new.insert_obj(picture)
        new.gen_content()
    dst.save(str(out))
    return out


def grey_office_scan(src: Path, out: Path, dpi: int = 150, quality: int = 40, max_skew: float = 0.9,
                     noise: float = 7.0, blur: float = 0.6, seed: int = 11) -> Path:
    """An image-only greyscale scan of every page of `src`, as a cheap office scanner makes
    it: rendered at `dpi` in grey, each sheet skewed by its own angle in [-max_skew, max_skew]
    degrees (the grey scanner bed shows in the uncovered corners), paper slightly grey with a
    brightness ramp, a little optical blur (sigma in px), Gaussian sensor noise and JPEG
    compression at `quality`. One greyscale JPEG per page, pages at the source's size.
    Deterministic for a given seed. Built in a test's tmp dir only: never commit such files
    made from a real report."""

    rng = np.random.default_rng(seed)
    src_doc = pdfium.PdfDocument(str(src))
    dst = pdfium.PdfDocument.new()
    try:
        for i in range(len(src_doc)):
            page = src_doc[i]
            width, height = page.get_size()
            grey = page.render(scale=dpi / 72, grayscale=True).to_numpy()
            grey = grey[:, :, 0] if grey.ndim == 3 else grey
            h, w = grey.shape
            paper = grey.astype(np.float32) * (244 / 255)  # the white of scanned paper
            yy, xx = np.mgrid[0:h, 0:w]
            paper *= 1.0 - 0.08 * (0.6 * xx / w + 0.4 * yy / h)
            angle = float(rng.uniform(-max_skew, max_skew))
            matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
            img = cv2.warpAffine(paper, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=226)
            if blur > 0:
                img = cv2.GaussianBlur(img, (0, 0), blur)
            img = np.clip(img + rng.normal(0, noise, img.shape), 0, 255).astype(np.uint8)
            add_jpeg_page(dst, width, height, img, quality)
            page.close()
        dst.save(str(out))
    finally:
        dst.close()
        src_doc.close()
    return out


def embedded_page_image(path: Path, index: int) -> PageImage:
    """Page `index` (0-based) of an image-only PDF as its embedded picture's own pixels (not
    re-rendered), at the resolution the picture is placed at."""
    doc = pdfium.PdfDocument(str(path))
    page = doc[index]
    picture = next(iter(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))))
    pixels = picture.get_bitmap(render=False).to_numpy()
    dpi = pixels.shape[1] / (page.get_size()[0] / 72.0)
    return PageImage(index + 1, np.ascontiguousarray(pixels), dpi)
