"""Shard files: atomic writes, the row schema, and reading results back.

A shard is committed when its Parquet file appears under its final name: the file is
written under a temporary name in the same folder, fsynced, and renamed with os.replace,
so a reader (or a resumed run) never sees half a shard. Each shard carries, in its Parquet
metadata, the digest of the articles it was made from and the records rejected while
scoring them, so a resumed run can check it and report it without re-reading its rows.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from stance.io import TEMP_GLOB, atomic_write_bytes, temp_path
from stance.pipeline import EXTRA_COLUMNS, STATEMENT_COLUMNS

DEDUP_COLUMNS = ["duplicate_of"]
COLUMNS = STATEMENT_COLUMNS + EXTRA_COLUMNS + DEDUP_COLUMNS
_INT = {"start", "end"}
_FLOAT = {"score", "confidence"}
_BOOL = {"inferred"}
SCHEMA = pa.schema([
    pa.field(c, pa.int64() if c in _INT else pa.float64() if c in _FLOAT else pa.bool_() if c in _BOOL else pa.string())
    for c in COLUMNS
])
META_KEY = b"stance.batch"
_SHARD_RE = re.compile(r"^part-(\d{6,})\.parquet$")


def shard_name(index: int, suffix: str = ".parquet") -> str:
    return f"part-{index:06d}{suffix}"


def remove_temporaries(folder: Path) -> int:
    """Delete temporaries left by a killed run; returns how many."""
    removed = 0
    if folder.is_dir():
        for path in folder.glob(TEMP_GLOB):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def to_table(frame: pd.DataFrame, meta: dict[str, Any]) -> pa.Table:
    frame = frame.reindex(columns=COLUMNS)
    for column in COLUMNS:
        if column in _INT:
            frame[column] = pd.to_numeric(frame[column]).astype("int64")
        elif column in _FLOAT:
            frame[column] = pd.to_numeric(frame[column]).astype("float64")
        elif column in _BOOL:
            frame[column] = frame[column].astype(bool)
        else:
            # An all-empty text column arrives as float NaN; go through object so "" is a valid fill.
            frame[column] = frame[column].astype(object).fillna("").astype(str)
    table = pa.Table.from_pandas(frame, schema=SCHEMA, preserve_index=False)
    return table.replace_schema_metadata({META_KEY: json.dumps(meta, sort_keys=True).encode("utf-8")})


def write_shard(folder: Path, index: int, frame: pd.DataFrame, meta: dict[str, Any], *,
                write_csv: bool = False) -> Path:
    """Commit one shard. The CSV copy (if any) is written first so a committed Parquet
    shard always has its CSV beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    table = to_table(frame, meta)
    if write_csv:
        atomic_write_bytes(folder / shard_name(index, ".csv"), frame.reindex(columns=COLUMNS).to_csv(index=False).encode())
    sink = pa.BufferOutputStream()
    # Page checksums let a resumed run tell a damaged shard from a good one (verify_shard).
    pq.write_table(table, sink, compression="zstd", write_page_checksum=True)
    final = folder / shard_name(index)
    atomic_write_bytes(final, sink.getvalue().to_pybytes())
    return final


def shard_meta(path: Path) -> dict[str, Any]:
    """The metadata a shard was committed with (cheap: reads only the footer)."""
    metadata = pq.read_schema(path).metadata or {}
    raw = metadata.get(META_KEY)
    if raw is None:
        raise ValueError(f"{path}: not a stance batch shard (no {META_KEY.decode()} metadata); "
                         "remove stray files from the statements folder")
    return json.loads(raw)


def verify_shard(path: Path) -> dict[str, Any]:
    """``shard_meta(path)`` after reading every page of the shard (checksums verified, row count
    checked against its metadata); raises ValueError naming the file when any of it is damaged."""
    try:
        meta = shard_meta(path)
        table = pq.read_table(path, schema=SCHEMA, page_checksum_verification=True)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise ValueError(f"{path}: damaged shard ({' '.join(str(exc).split())[:200]})") from None
    if "rows" in meta and table.num_rows != int(meta["rows"]):
        raise ValueError(f"{path}: damaged shard ({table.num_rows} rows, its metadata says {meta['rows']})")
    return meta


def committed_shards(folder: Path) -> dict[int, Path]:
    """Shard index -> path for every committed shard in ``folder``."""
    found: dict[int, Path] = {}
    if folder.is_dir():
        for path in folder.iterdir():
            m = _SHARD_RE.match(path.name)
            if m:
                found[int(m.group(1))] = path
    return dict(sorted(found.items()))


def iter_results(out_dir: str | Path) -> Iterator[pd.DataFrame]:
    """One DataFrame per committed shard, in input order (constant memory per shard)."""
    out_dir = Path(out_dir)
    folder = out_dir / "statements"
    shards = committed_shards(folder)
    if not shards and not (out_dir / "ledger.json").exists():
        raise FileNotFoundError(f"{out_dir}: no batch results here; create them with scripts/batch_score.py "
                                "or `stance score --batch`")
    for path in shards.values():
        try:
            table = pq.read_table(path, schema=SCHEMA, page_checksum_verification=True)
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise ValueError(f"{path}: damaged shard ({' '.join(str(exc).split())[:200]}); rerun the batch command "
                             "that wrote it: it checks every shard and scores damaged ones again") from None
        yield table.to_pandas()


def read_results(out_dir: str | Path) -> pd.DataFrame:
    """All rows of a batch run as one DataFrame with the statements-table columns plus
    ``duplicate_of``; ready for the timeline/shift/report stages."""
    frames = list(iter_results(out_dir))
    if not frames:
        return pa.Table.from_pylist([], schema=SCHEMA).to_pandas()
    return pd.concat(frames, ignore_index=True)


def merge_results(out_dir: str | Path, dest: str | Path) -> Path:
    """Merge the shards into one ``.csv`` or ``.parquet`` file, streaming shard by shard."""
    dest = Path(dest)
    tmp = temp_path(dest)
    if dest.suffix == ".csv":
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            fh.write(",".join(COLUMNS) + "\n")
            for frame in iter_results(out_dir):
                frame.to_csv(fh, index=False, header=False)
    elif dest.suffix == ".parquet":
        with pq.ParquetWriter(tmp, SCHEMA, compression="zstd") as writer:
            for frame in iter_results(out_dir):
                writer.write_table(pa.Table.from_pandas(frame, schema=SCHEMA, preserve_index=False))
    else:
        raise ValueError(f"{dest}: merge writes .csv or .parquet; pick one of those suffixes")
    os.replace(tmp, dest)
    return dest
