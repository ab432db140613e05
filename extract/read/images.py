"""Page images straight from a scanner or a phone: PNG, JPEG, TIFF (multi-page), BMP, WebP."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence, overload

from ..errors import InvalidDocument, LimitExceeded
from ..page import PageImage
from ..settings import Settings

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
# A4 in inches: a report page image without a usable resolution tag is taken to be A4
# wide, which nearly all of them are.
_A4_LONG_IN = 297 / 25.4
_A4_SHORT_IN = 210 / 25.4
# An image this much longer than wide is pages stitched end to end (a phone's long
# screenshot, a web page saved as one picture): its short side is the page width.
_STITCHED_ASPECT = 1.6


# A page image is scaled down when finer than this share over `Settings.max_render_dpi`
# (a 300.08 dpi scan is a 300 dpi scan).
_FINER_SLACK = 1.05


def _dpi(width: int, height: int, tagged: float) -> tuple[float, bool]:
    """The resolution tag if it is plausible for an A4-or-smaller page, else the A4 guess;
    and whether it is the guess."""
    long_px, short_px = max(width, height), min(width, height)
    guess = short_px / _A4_SHORT_IN if long_px > _STITCHED_ASPECT * short_px else long_px / _A4_LONG_IN
    if tagged and 0.6 * guess <= float(tagged) <= 1.6 * guess:
        return float(tagged), False
    return guess, True


def _headers(path: Path) -> Optional[list[tuple[int, int, float]]]:
    """(width, height, resolution tag or 0) of every frame, from the file's headers only (no
    pixels decoded); None when Pillow cannot open the file (OpenCV may still read it). A
    frame after the first that cannot be reached is a damaged file, not a shorter one."""
    from PIL import Image

    frames: list[tuple[int, int, float]] = []
    try:
        with Image.open(path) as im:
            while True:
                dpi = im.info.get("dpi", (0, 0))
                frames.append((im.size[0], im.size[1], float(dpi[0] if isinstance(dpi, tuple) else dpi or 0)))
                try:
                    im.seek(len(frames))
                except EOFError:
                    return frames
    except Image.DecompressionBombError:
        # Pillow refuses a frame over twice its own pixel bound, far above ours.
        raise LimitExceeded(str(path), "a page is over the pixel limit") from None
    except Exception:
        if frames:
            raise InvalidDocument(str(path), f"page {len(frames) + 1} cannot be read (the file is damaged or truncated)") from None
        return None


class ImagePages(Sequence[PageImage]):
    """The wanted pages of an image file, each decoded only when asked for. A multi-page TIFF
    of a bound volume at 300 DPI colour is ~26 MB a page once decoded: holding every page
    would put a 100-page volume at 2.6 GB before any OCR, where one page at a time keeps a
    worker's peak to one page's work. Sizes and limits are checked from the headers up
    front, so a bad page fails before any page is read."""

    def __init__(self, path: Path, settings: Settings) -> None:
        import cv2

        self._name = name = str(path)
        if path.stat().st_size == 0:
            raise InvalidDocument(name, "the file is empty")
        headers = _headers(path)
        if headers is None:
            # Pillow could not walk it: count with OpenCV, which decodes a page to see it.
            count = cv2.imcount(name) if cv2.haveImageReader(name) else 0
            if count < 1:
                raise InvalidDocument(name, "not a readable image (corrupt, truncated or an unknown format)")
            headers = [None] * count  # type: ignore[list-item]
        if len(headers) > settings.max_pages:
            raise LimitExceeded(name, f"{len(headers)} pages, over the limit of {settings.max_pages}")
        for i, header in enumerate(headers):
            if header is not None:
                self._check_size(i, header[0], header[1], settings)
        self._headers = headers
        self._settings = settings
        wanted = settings.pages
        if wanted:
            missing = [p for p in wanted if not 1 <= p <= len(headers)]
            if missing:
                raise InvalidDocument(name, f"page {missing[0]} does not exist (the image has {len(headers)} pages)")
        self._numbers = tuple(wanted) if wanted else tuple(range(1, len(headers) + 1))

    def _check_size(self, index: int, w: int, h: int, settings: Settings) -> None:
        if h * w > settings.max_image_pixels:
            raise LimitExceeded(self._name, f"page {index + 1} is {w} x {h} pixels, over the limit of {settings.max_image_pixels}")
        if min(h, w) < 300:
            raise InvalidDocument(self._name, f"page {index + 1} is only {w} x {h} pixels, too small to read")

    def __len__(self) -> int:
        return len(self._numbers)

    def size(self, k: int) -> Optional[tuple[int, int]]:
        """(width, height) in pixels of the k-th page as stored, from the file's headers
        (no pixels decoded); None when only OpenCV could read the file."""
        header = self._headers[self._numbers[k] - 1]
        return (header[0], header[1]) if header is not None else None

    @overload
    def __getitem__(self, k: int) -> PageImage: ...
    @overload
    def __getitem__(self, k: slice) -> list[PageImage]: ...
    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        number = self._numbers[k]
        frame = self._decode(number - 1)
        h, w = frame.shape[:2]
        header = self._headers[number - 1]
        if header is None:  # no header was read: the limits are checked on the pixels
            self._check_size(number - 1, w, h, self._settings)
        dpi, guessed = _dpi(w, h, header[2] if header is not None else 0.0)
        limit = self._settings.max_render_dpi
        if dpi > _FINER_SLACK * limit:
            # A 400-600 dpi scan (an archive's master, a fax machine's fine bilevel mode) is
            # read as PDF pages are: at the maximum, area-averaged (a bilevel page's edges
            # become grey), at a quarter of the pixels' work and memory or less.
            import cv2

            frame = cv2.resize(frame, None, fx=limit / dpi, fy=limit / dpi, interpolation=cv2.INTER_AREA)
            dpi *= frame.shape[1] / w
        return PageImage(number, frame, dpi, dpi_guessed=guessed)

    def _decode(self, index: int):
        import cv2

        ok, frames = cv2.imreadmulti(self._name, index, 1, flags=cv2.IMREAD_COLOR)
        if ok and frames:
            return frames[0]
        if index == 0:  # formats OpenCV reads only as a single image
            single = cv2.imread(self._name, cv2.IMREAD_COLOR)
            if single is not None:
                return single
        raise InvalidDocument(self._name, f"page {index + 1} is not a readable image (corrupt or truncated)")


def load_image_pages(path: Path, settings: Settings) -> ImagePages:
    """The wanted pages of an image file (see ImagePages: decoded one at a time)."""
    return ImagePages(path, settings)
