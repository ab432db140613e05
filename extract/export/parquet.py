"""Parquet (for DuckDB, polars, pandas): the long form of long_form.py with typed columns
(int64 page/year/counts, float64 values and confidence, bool flags; list columns lists of
strings), and beside it one file per companion table (tables.COMPANIONS: findings, sections,
prose figures) with the same columns and types as the CSV files. Needs pyarrow, the optional
`parquet` extra: `pip install 'extract[parquet]'`."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, Mapping

from ..errors import ExtractError
from .stored import StoredReport
from .tables import CELLS, ExportTable


class ParquetUnavailable(ExtractError):
    exit_code = 2


ROWS_PER_GROUP = 50_000


def write_parquet(reports: Iterable[StoredReport], out: Path,
                  companions: Mapping[ExportTable, Path] | None = None) -> int:
    """The long form to `out` and each companion table to its path, in one pass over the
    reports; returns the number of cell rows."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ParquetUnavailable(str(out), "Parquet needs pyarrow: pip install 'extract[parquet]'") from None
    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
             "list": pa.list_(pa.string())}
    targets = {CELLS: out, **(companions or {})}
    schemas = {t: pa.schema([pa.field(c.name, types[c.kind], metadata={"doc": c.doc}) for c in t.columns],
                            metadata={"table": t.name, "doc": t.doc})
               for t in targets}
    writers = {t: pq.ParquetWriter(path, schemas[t]) for t, path in targets.items()}
    buffers: dict[ExportTable, list[dict]] = {t: [] for t in targets}
    counts = dict.fromkeys(targets, 0)

    def flush(table: ExportTable) -> None:
        # One row group per ROWS_PER_GROUP rows: memory stays flat however large the batch.
        rows = buffers[table]
        if rows:
            columns = {c.name: [None if r[c.name] is None else _typed(r[c.name], c.kind) for r in rows]
                       for c in table.columns}
            writers[table].write_table(pa.table(columns, schema=schemas[table]))
            counts[table] += len(rows)
            buffers[table] = []

    try:
        for report in reports:
            for table in targets:
                buffers[table].extend(table.rows(report))
                if len(buffers[table]) >= ROWS_PER_GROUP:
                    flush(table)
        for table in targets:
            flush(table)
    finally:
        for writer in writers.values():
            writer.close()
    return counts[CELLS]


def _typed(value, kind: str):
    if kind == "list":
        return list(value)
    if kind == "float":
        return float(value)
    if kind == "int":
        return int(value)
    return value
