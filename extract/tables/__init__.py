"""Tables: rulings and words to merged-cell grids, grids to template rows and columns."""
