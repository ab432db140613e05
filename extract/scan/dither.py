"""A bilevel page whose greys were dithered is made a grey page again before rulings and
text are looked for.

Fax machines and archive scanners write 1-bit pages (TIFF G4) in one of two modes. In text
mode every pixel is thresholded: strokes are solid, paper is white, and the page reads like
any scan. In photo mode the greys are dithered (error diffusion, Floyd-Steinberg, or an
ordered pattern): the paper's slight grey and every shaded cell become a field of isolated
dots, a grey ruling a dotted line. Those dots break the rulings into pieces and sit in every
cell, and such a page is read with no table at all. Integrating the dots over about their
spacing (a Gaussian blur of about a pixel at 200 DPI) gives back the grey the scanner saw:
paper light grey, a shaded row mid grey, a dotted ruling a grey line, solid strokes dark.

A page is taken for dithered from how dithering looks, never from what it shows: nearly
every pixel black or white, and many tiny ink specks (a few pixels each) spread over the
page: hundreds per square inch where a thresholded page has a handful of specks of dust.
"""

from __future__ import annotations

from ..page import PageImage

# A bilevel page: at most this share of pixels in the greys between black and white (a
# JPEG-compressed scan's are many more; a bilevel page read back through a resampling
# viewer keeps a few at stroke edges).
_MAX_GREY_SHARE = 0.01
_GREY_BAND = (48, 208)
# Ink specks: connected ink of at most this area at 200 DPI (scaled with the resolution's
# square); dithered paper or shading makes hundreds per square inch, a thresholded page's
# dust a handful (a photocopy's speckle some tens).
_SPECK_AREA_200DPI = 3
_MIN_SPECKS_PER_SQUARE_INCH = 60.0
# The specks must be most of the page's ink components: a thresholded page's are strokes
# and glyph parts.
_MIN_SPECK_SHARE = 0.6
# The blur that integrates the dots, in pixels at 200 DPI (scaled with the resolution).
_BLUR_SIGMA_200DPI = 1.4
# The level stretch after the blur: the darkest 0.5 % of pixels (strokes' cores) go black;
# a page with less range than this between them and its paper is left as blurred.
_DARKEST_PERCENTILE = 0.5
_MIN_STRETCH_RANGE = 64.0


def undither(page: PageImage) -> PageImage:
    """The page as a grey image when it is a dithered bilevel page, else the page itself."""
    import cv2

    image = page.image
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if not is_dithered(gray, page.dpi):
        return page
    sigma = _BLUR_SIGMA_200DPI * page.dpi / 200.0
    return PageImage(page.number, _stretched(cv2.GaussianBlur(gray, (0, 0), sigma)), page.dpi)


def _stretched(blurred):
    """The blurred page's levels stretched so that its paper (the median: most of a page is
    paper) is white again and its darkest strokes black: the blur leaves thin strokes mid
    grey and the paper's dots a light grey haze."""
    import numpy as np

    paper = float(np.median(blurred))
    darkest = float(np.percentile(blurred, _DARKEST_PERCENTILE))
    if paper - darkest < _MIN_STRETCH_RANGE:
        return blurred
    lut = np.clip((np.arange(256, dtype=np.float32) - darkest) * 255.0 / (paper - darkest), 0, 255).astype(np.uint8)
    return lut[blurred]


def is_dithered(gray, dpi: float) -> bool:
    """Whether a grey page image is bilevel with its greys dithered (see the module's note)."""
    import cv2
    import numpy as np

    height, width = gray.shape[:2]
    # Cheap test first: most pages are grey scans with plenty of greys.
    sample = gray[:: max(1, height // 400), :: max(1, width // 400)]
    greys = np.count_nonzero((sample > _GREY_BAND[0]) & (sample < _GREY_BAND[1]))
    if greys > _MAX_GREY_SHARE * sample.size:
        return False
    ink = (gray < 128).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    if not len(areas):
        return False
    specks = int(np.count_nonzero(areas <= max(1.0, _SPECK_AREA_200DPI * (dpi / 200.0) ** 2)))
    square_inches = height * width / (dpi * dpi)
    return specks >= _MIN_SPECKS_PER_SQUARE_INCH * square_inches and specks >= _MIN_SPECK_SHARE * len(areas)
