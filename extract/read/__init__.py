"""Readers: one per input kind (PDF text layer, page images, table pictures in PDFs), each
turning a file into `PageContent` (words, rulings) in page points, top-left origin."""
