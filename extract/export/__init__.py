"""`extract export`: a batch database as CSV (long and wide), JSONL, XLSX or Parquet.

Every format carries the values in effect (reviewers' corrections applied) unless
`--original` asks for the values as read. One module per format; `stored.py` reads the
database, `labels.py` names the cells, `tables.py` defines the tabular tables (the long form,
findings, sections, prose figures) with one set of columns and types for CSV, Parquet and
XLSX, `cli.py` is the command.
"""
