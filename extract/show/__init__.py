"""Showing a report to people: the tables laid out as printed (layout), cell crops from the
source file (crops), the terminal tables (terminal) and the static HTML page (html_page)."""
