"""Scanned pages: pixels to upright page images, rulings and OCR per cell (`PageContent`)."""
