"""Content-hash cache of scored rows, in a SQLite file (stdlib, WAL mode).

Key: sha256 of the article's content (text, date, source, title) and of the scorer's
version (model content hash + extractor version + watchlist hash). Value: the article's
rows without its identity (id, url, title), which are filled from the article on a hit, so
the same text read under another id is still a hit. Articles with no statements are cached
too (as an empty list), so they are not re-parsed either.
"""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from stance.ingest import content_hash
from stance.records import Article

logger = logging.getLogger(__name__)

IDENTITY_FIELDS = ("article_id", "url", "title")
REBUILD = "rerun with --restart to rebuild it, or delete the file (it holds only scores that can be recomputed)"


def check_cache(path: Path, *, rebuild: bool) -> None:
    """Refuse a damaged cache file before any work (BatchError-worthy ``sqlite3.DatabaseError``),
    or, with ``rebuild``, delete it so the run starts a new one."""
    if not path.exists():
        return
    try:
        db = sqlite3.connect(path, timeout=60.0)
        try:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            db.close()
        if result != "ok":
            raise sqlite3.DatabaseError(" ".join(str(result).split())[:200])
    except sqlite3.DatabaseError as exc:
        if not rebuild:
            raise sqlite3.DatabaseError(f"{path}: the score cache is damaged ({exc}); {REBUILD}") from None
        logger.warning("%s: the score cache is damaged (%s); starting a new one", path, exc)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def cache_key(article: Article, scorer_version: str) -> str:
    return hashlib.sha256(f"{content_hash(article)}\x1f{scorer_version}".encode("utf-8")).hexdigest()


class ScoreCache:
    """``get_many``/``put_many`` over one SQLite file; safe for several processes at once."""

    def __init__(self, path: str | Path, *, timeout_s: float = 60.0):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout_s, isolation_level=None)
            _retry_while_locked(self._set_up, timeout_s=timeout_s)
        except sqlite3.DatabaseError as exc:
            raise sqlite3.DatabaseError(f"{self.path}: cannot use this file as a score cache ({exc}); {REBUILD}") from None

    def _set_up(self) -> None:
        # Switching to WAL takes an exclusive lock and SQLite answers "database is locked" at once,
        # without waiting out the busy timeout, when several workers open a new cache together.
        if self._db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS scores (key TEXT PRIMARY KEY, rows TEXT NOT NULL)")

    def get_many(self, keys: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {}
        for start in range(0, len(keys), 500):  # stay under SQLite's bound-parameter limit
            chunk = list(keys[start:start + 500])
            marks = ",".join("?" * len(chunk))
            for key, rows in self._db.execute(f"SELECT key, rows FROM scores WHERE key IN ({marks})", chunk):
                found[key] = json.loads(rows)
        return found

    def put_many(self, items: Iterable[tuple[str, list[dict[str, Any]]]]) -> None:
        """Store in one transaction: a shard's entries land all together or not at all."""
        payload = [(key, json.dumps([_strip(row) for row in rows], separators=(",", ":"))) for key, rows in items]
        if not payload:
            return
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO scores (key, rows) VALUES (?, ?)", payload)

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM scores").fetchone()[0]

    def close(self) -> None:
        self._db.close()


def _retry_while_locked(action, *, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    delay = 0.01
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            locked = "locked" in str(exc) or "busy" in str(exc)
            if not locked or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def _strip(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in IDENTITY_FIELDS}


def restore(rows: list[dict[str, Any]], article: Article) -> list[dict[str, Any]]:
    """Cached rows with the identity of the article at hand."""
    identity = {"article_id": article.id, "url": article.url, "title": article.title}
    return [{**row, **identity} for row in rows]
