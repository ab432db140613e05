"""Batches: many reports into one SQLite store."""
