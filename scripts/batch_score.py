#!/usr/bin/env python
"""Score a large corpus into Parquet shards: streaming, resumable, cached.

    python scripts/batch_score.py articles/ --watchlist watchlist.yaml --out out/
    # killed? run the same command again: finished shards are kept, the rest is scored.
    python scripts/batch_score.py articles/ --watchlist watchlist.yaml --out out/ --scheduler dask --workers 4

Results: out/statements/part-*.parquet (read them with stance.batch.read_results("out")),
out/rejects.csv, out/duplicates.csv; --merge out/statements.csv writes one file as well.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sqlite3
import sys

from stance.batch import BatchConfig, BatchError, ConsoleProgress, merge_results, run_batch
from stance.classifier import DEFAULT_BATCH_SIZE
from stance.ingest import IngestError
from stance.watchlist import WatchlistError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("inputs", nargs="+", help=".jsonl/.csv/.txt files or folders of them")
    p.add_argument("--watchlist", required=True, help="YAML watchlist")
    p.add_argument("--out", required=True, help="output folder (rerun with the same one to resume)")
    p.add_argument("--model", help="model folder (default: the shipped models/stance-minilm)")
    p.add_argument("--backend", choices=["auto", "onnx", "torch"], default="auto")
    p.add_argument("--device", default="cpu",
                   help="torch device for the classifier, e.g. cuda (an optional GPU; uses the torch backend)")
    p.add_argument("--shard-size", type=int, default=500, help="articles per shard (default 500)")
    p.add_argument("--csv", action="store_true", help="also write CSV shards")
    p.add_argument("--n-process", type=int, default=1, help="spaCy processes per shard")
    p.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    p.add_argument("--cache", help="score cache file (default OUT/cache.sqlite); share it between runs")
    p.add_argument("--no-cache", action="store_true")
    p.add_argument("--date", type=_date, help="date for articles that name none (YYYY-MM-DD)")
    p.add_argument("--no-dedup", action="store_true", help="skip near-duplicate detection")
    p.add_argument("--actors-only", action="store_true",
                   help="score only statements a watchlist actor said; the others are kept without a score")
    p.add_argument("--dedup-threshold", type=float, default=0.8)
    p.add_argument("--restart", action="store_true", help="discard earlier results in --out (keeps the cache)")
    p.add_argument("--scheduler", choices=["local", "dask"], default="local")
    p.add_argument("--workers", type=int, default=1,
                   help="processes scoring shards in parallel (local pool, or Dask LocalCluster workers)")
    p.add_argument("--dask-address", help="address of a running Dask scheduler (instead of a LocalCluster)")
    p.add_argument("--merge", help="also merge the shards into this .csv or .parquet file")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    progress = None if args.quiet else ConsoleProgress()
    try:
        config = BatchConfig(
            inputs=tuple(args.inputs), out_dir=args.out, watchlist=args.watchlist, model=args.model,
            backend=args.backend, device=args.device, shard_size=args.shard_size, write_csv=args.csv,
            n_process=args.n_process, batch_size=args.batch_size, cache=args.cache, use_cache=not args.no_cache,
            default_date=args.date, dedup=not args.no_dedup, dedup_threshold=args.dedup_threshold, restart=args.restart,
            scheduler=args.scheduler, workers=args.workers, dask_address=args.dask_address,
            actors_only=args.actors_only,
        )
        summary = run_batch(config, progress=progress)
    except KeyboardInterrupt:
        print("interrupted; rerun the same command to resume", file=sys.stderr)
        return 130
    except (BatchError, IngestError, WatchlistError, FileNotFoundError, ValueError, sqlite3.DatabaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if progress is not None:
            progress.close()
    if args.merge:
        merge_results(args.out, args.merge)
    print(json.dumps(summary.as_dict(), indent=1, default=str) if args.json else summary.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
