"""The progress ledger: what a batch out-folder was made from, and which shards are done.

A shard is done iff its Parquet file exists (the atomic rename is the commit point); the
ledger adds what is needed to resume safely: the settings and input files the shards were
made from, so that a rerun with different ones is refused instead of mixing results.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stance.batch.config import BatchConfig, BatchError
from stance.batch.shards import committed_shards
from stance.io import atomic_write_json
from stance.records import Article

logger = logging.getLogger(__name__)

LEDGER_NAME = "ledger.json"
LEDGER_FORMAT = 1
_FIX = "use a new --out folder, or pass --restart to discard the results in this one (the score cache is kept)"


def article_digest(article: Article) -> str:
    parts = (article.id, article.date.isoformat() if article.date else "", article.source, article.title,
             article.url, article.text)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def shard_digest(articles: Sequence[Article]) -> str:
    """Identifies exactly which articles, in which order, a shard was made from."""
    digest = hashlib.sha256()
    for article in articles:
        digest.update(article_digest(article).encode())
    return digest.hexdigest()


def fingerprint(config: BatchConfig, files: Sequence[Path], scorer_version: str) -> dict[str, Any]:
    """Everything that decides which rows a run writes."""
    return {
        "format": LEDGER_FORMAT,
        "files": [[str(p.resolve()), p.stat().st_size] for p in files],
        "shard_size": config.shard_size,
        "default_date": config.default_date.isoformat() if config.default_date else None,
        "scorer": scorer_version,
        "dedup": [config.dedup, config.dedup_threshold],
        "write_csv": config.write_csv,
        "limits": [config.limits.max_chars, config.limits.min_date.isoformat(), config.limits.max_date.isoformat(),
                   config.limits.oversize],
    }


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = []
    for key in sorted(set(old) | set(new)):
        if key == "files":
            old_files, new_files = dict(map(tuple, old.get(key, []))), dict(map(tuple, new.get(key, [])))
            changed = []
            for path in sorted(set(old_files) | set(new_files)):
                if path not in new_files:
                    changed.append(f"input {path} is gone")
                elif path not in old_files:
                    changed.append(f"input {path} is new")
                elif old_files[path] != new_files[path]:
                    changed.append(f"input {path} changed size ({old_files[path]} -> {new_files[path]} bytes)")
            if not changed and list(old_files) != list(new_files):
                changed.append("inputs are listed in a different order")
            out.extend(changed)
        elif old.get(key) != new.get(key):
            out.append(f"{key}: {old.get(key)!r} -> {new.get(key)!r}")
    return out


class Ledger:
    def __init__(self, out_dir: Path, fp: dict[str, Any]):
        self.path = out_dir / LEDGER_NAME
        self.state: dict[str, Any] = {"fingerprint": fp, "shards": {}, "complete": False, "summary": None}

    @classmethod
    def open(cls, out_dir: Path, fp: dict[str, Any]) -> "Ledger":
        """Start or resume; raise BatchError when ``out_dir`` holds results made differently."""
        ledger = cls(out_dir, fp)
        shards = committed_shards(out_dir / "statements")
        if ledger.path.exists():
            try:
                old = json.loads(ledger.path.read_text(encoding="utf-8"))
                old_fp = old["fingerprint"]
            except (ValueError, KeyError, TypeError) as exc:
                raise BatchError(f"{ledger.path}: unreadable ledger ({exc}); {_FIX}") from None
            diffs = _differences(old_fp, fp)
            if diffs:
                raise BatchError(f"{out_dir} holds results of a run with other inputs or settings "
                                 f"({'; '.join(diffs)}); {_FIX}")
            ledger.state["shards"] = {k: v for k, v in old.get("shards", {}).items() if int(k) in shards}
            if shards:
                logger.info("resuming in %s: %d shards already done", out_dir, len(shards))
        elif shards:
            raise BatchError(f"{out_dir / 'statements'} holds shards but {ledger.path} is missing, so they cannot "
                             f"be checked against the inputs; {_FIX}")
        ledger.save()
        return ledger

    def record(self, index: int, *, articles: int, rows: int, digest: str) -> None:
        entry = {"articles": articles, "rows": rows, "digest": digest}
        if self.state["shards"].get(str(index)) != entry:
            self.state["shards"][str(index)] = entry
            self.save()

    def finish(self, summary: dict[str, Any]) -> None:
        self.state["complete"] = True
        self.state["summary"] = summary
        self.save()

    def save(self) -> None:
        atomic_write_json(self.path, self.state)
