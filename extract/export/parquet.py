"""Parquet (for DuckDB, polars, pandas): the long form of long_form.py with typed columns
(int64 page/year, float64 values and confidence, bool flags; `indicator_path` a list of
strings). Needs pyarrow, the optional
`parquet` extra: `pip install 'extract[parquet]'`."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from ..errors import ExtractError
from .long_form import LONG_COLUMNS, long_rows
from .stored import StoredReport


class ParquetUnavailable(ExtractError):
    exit_code = 2


def write_parquet(reports: Iterable[StoredReport], out: Path) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ParquetUnavailable(str(out), "Parquet needs pyarrow: pip install 'extract[parquet]'") from None
    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
             "list": pa.list_(pa.string())}
    schema = pa.schema([pa.field(c.name, types[c.kind], metadata={"doc": c.doc}) for c in LONG_COLUMNS])
    count = 0
    with pq.ParquetWriter(out, schema) as writer:
        # One row group per ROWS_PER_GROUP cells: memory stays flat however large the batch.
        for rows in _chunks(long_rows(reports), ROWS_PER_GROUP):
            columns = {c.name: [None if r[c.name] is None else _typed(r[c.name], c.kind) for r in rows]
                       for c in LONG_COLUMNS}
            writer.write_table(pa.table(columns, schema=schema))
            count += len(rows)
    return count


ROWS_PER_GROUP = 50_000


def _chunks(rows: Iterator[dict], size: int) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _typed(value, kind: str):
    if kind == "list":
        return list(value)
    return float(value) if kind == "float" else value
