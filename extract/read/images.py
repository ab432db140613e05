"""Page images straight from a scanner or a phone: PNG, JPEG, TIFF (multi-page), BMP, WebP."""

from __future__ import annotations

from pathlib import Path

from ..errors import InvalidDocument, LimitExceeded
from ..scan.pixels import PageImage
from ..settings import Settings

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
# A4 in inches: a report page image without a usable resolution tag is taken to be A4
# wide, which nearly all of them are.
_A4_LONG_IN = 297 / 25.4
_A4_SHORT_IN = 210 / 25.4
# An image this much longer than wide is pages stitched end to end (a phone's long
# screenshot, a web page saved as one picture): its short side is the page width.
_STITCHED_ASPECT = 1.6


def _dpi(path: Path, index: int, width: int, height: int) -> float:
    """The resolution tag if it is plausible for an A4-or-smaller page, else the A4 guess."""
    long_px, short_px = max(width, height), min(width, height)
    guess = short_px / _A4_SHORT_IN if long_px > _STITCHED_ASPECT * short_px else long_px / _A4_LONG_IN
    try:
        from PIL import Image

        with Image.open(path) as im:
            im.seek(index)
            tagged = im.info.get("dpi", (0, 0))[0]
    except Exception:
        tagged = 0
    if tagged and 0.6 * guess <= float(tagged) <= 1.6 * guess:
        return float(tagged)
    return guess


def load_image_pages(path: Path, settings: Settings) -> list[PageImage]:
    import cv2

    name = str(path)
    if path.stat().st_size == 0:
        raise InvalidDocument(name, "the file is empty")
    ok, frames = cv2.imreadmulti(name, flags=cv2.IMREAD_COLOR)
    if not ok or not frames:
        single = cv2.imread(name, cv2.IMREAD_COLOR)
        if single is None:
            raise InvalidDocument(name, "not a readable image (corrupt, truncated or an unknown format)")
        frames = [single]
    if len(frames) > settings.max_pages:
        raise LimitExceeded(name, f"{len(frames)} pages, over the limit of {settings.max_pages}")
    pages = []
    for i, frame in enumerate(frames):
        h, w = frame.shape[:2]
        if h * w > settings.max_image_pixels:
            raise LimitExceeded(name, f"page {i + 1} is {w} x {h} pixels, over the limit of {settings.max_image_pixels}")
        if min(h, w) < 300:
            raise InvalidDocument(name, f"page {i + 1} is only {w} x {h} pixels, too small to read")
        pages.append(PageImage(i + 1, frame, _dpi(path, i, w, h)))
    wanted = settings.pages
    if wanted:
        missing = [p for p in wanted if not 1 <= p <= len(pages)]
        if missing:
            raise InvalidDocument(name, f"page {missing[0]} does not exist (the image has {len(pages)} pages)")
        pages = [pages[p - 1] for p in wanted]
    return pages
