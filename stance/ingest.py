"""Reading articles from .jsonl, .csv and .txt files into Article records.

Files are streamed record by record, so a file of any size is read in constant memory.
A bad record raises IngestError naming file and line, or, with ``skip_bad=True``, is
logged and appended to a rejects CSV with the reason.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stance.records import Article

logger = logging.getLogger(__name__)

SUFFIXES = (".jsonl", ".csv", ".txt")
FIELDS = ("id", "date", "source", "title", "text", "url")

# Long article bodies in one CSV cell exceed the csv module's default 128 KiB field limit.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class IngestError(ValueError):
    """A record that cannot be read; the message names file and line."""


@dataclass(frozen=True)
class Reject:
    file: str
    line: int
    reason: str


class RejectWriter:
    """Appends rejected records to a CSV (file, line, reason), creating it with a header."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.count = 0

    def write(self, reject: Reject) -> None:
        new = not self.path.exists() or self.path.stat().st_size == 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            if new:
                writer.writerow(["file", "line", "reason"])
            writer.writerow([reject.file, reject.line, reject.reason])
        self.count += 1


def discover_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders (recursively) into article files, sorted so runs are reproducible."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not found:
                logger.warning("%s: no .jsonl, .csv or .txt files inside", path)
            files.extend(found)
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                raise IngestError(f"{path}: unsupported file type {path.suffix!r}; use .jsonl, .csv or .txt")
            files.append(path)
        else:
            raise IngestError(f"{path}: no such file or folder")
    return files


def read_articles(
    paths: Iterable[str | Path],
    *,
    default_date: dt.date | None = None,
    skip_bad: bool = False,
    rejects_path: str | Path | None = None,
    on_reject: Any = None,
) -> Iterator[Article]:
    """Yield Article records from files and folders, in a stable order.

    ``default_date`` is used for records without a date (e.g. a .txt whose text names none).
    ``on_reject`` (a callable taking a Reject) lets callers count or collect rejects.
    """
    rejects = RejectWriter(rejects_path) if rejects_path else None
    seen: dict[str, str] = {}  # id -> content fingerprint, to catch id collisions
    for path in discover_files(paths):
        for line, record in _records(path, default_date):
            if isinstance(record, Article):
                fingerprint = content_hash(record)
                previous = seen.get(record.id)
                if previous == fingerprint:
                    logger.info("%s:%d: article %s repeated; kept the first copy", path, line, record.id)
                    continue
                if previous is not None:
                    record = Reject(str(path), line, f"id {record.id!r} already used by a different article")
                else:
                    seen[record.id] = fingerprint
                    yield record
                    continue
            if not skip_bad:
                raise IngestError(f"{record.file}:{record.line}: {record.reason} (pass --skip-bad to skip such records)")
            logger.warning("skipped %s:%d: %s", record.file, record.line, record.reason)
            if rejects:
                rejects.write(record)
            if on_reject:
                on_reject(record)


def _records(path: Path, default_date: dt.date | None) -> Iterator[tuple[int, Article | Reject]]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl_records(path, default_date)
    elif suffix == ".csv":
        yield from _csv_records(path, default_date)
    else:
        yield 1, _txt_record(path, default_date)


def _jsonl_records(path: Path, default_date: dt.date | None) -> Iterator[tuple[int, Article | Reject]]:
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                yield line_no, Reject(str(path), line_no, f"not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(raw, dict):
                yield line_no, Reject(str(path), line_no, "expected a JSON object per line")
                continue
            yield line_no, _article(raw, path, line_no, default_date)


def _csv_records(path: Path, default_date: dt.date | None) -> Iterator[tuple[int, Article | Reject]]:
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if "text" not in header:
            yield 1, Reject(str(path), 1, f"CSV header has no 'text' column (found: {', '.join(header) or 'nothing'}); "
                            f"expected columns {', '.join(FIELDS)}")
            return
        reader.fieldnames = header
        start_line = 2
        for row in reader:
            line_no = start_line
            start_line = reader.line_num + 1
            if None in row:
                yield line_no, Reject(str(path), line_no, "row has more cells than the header")
                continue
            yield line_no, _article(row, path, line_no, default_date)


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE_PATTERNS = (
    (re.compile(rf"\b({_MONTHS})\.? (\d{{1,2}}),? (\d{{4}})\b"), "%B %d %Y", (0, 1, 2)),
    (re.compile(rf"\b(\d{{1,2}}) ({_MONTHS}),? (\d{{4}})\b"), "%B %d %Y", (1, 0, 2)),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "%Y %m %d", (0, 1, 2)),
)


def find_date(text: str) -> dt.date | None:
    """The first date written in ``text`` ("December 8, 2024", "8 December 2024", "2024-12-08")."""
    best: tuple[int, dt.date] | None = None
    for pattern, fmt, order in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            parts = [m.group(i + 1) for i in order]
            try:
                day = dt.datetime.strptime(" ".join(parts), fmt).date()
            except ValueError:
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), day)
            break
    return best[1] if best else None


def _txt_record(path: Path, default_date: dt.date | None) -> Article | Reject:
    content = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
    title, _, body = content.strip().partition("\n")
    body = body.strip()
    if not body:
        return Reject(str(path), 1, "no text after the title line (the first line is the title)")
    day = find_date(body[:2000]) or default_date
    if day is None:
        return Reject(str(path), 1, "no date found in the text; write one like 'December 8, 2024' or pass --date")
    return _article({"title": title.strip(), "text": body, "date": day.isoformat(), "source": path.stem},
                    path, 1, default_date)


def parse_date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return find_date(text)


def _article(raw: dict[str, Any], path: Path, line: int, default_date: dt.date | None) -> Article | Reject:
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        return Reject(str(path), line, "missing or empty 'text'")
    raw_date = raw.get("date")
    day = parse_date(raw_date)
    if day is None and raw_date not in (None, ""):
        return Reject(str(path), line, f"date {raw_date!r} not understood; write it as YYYY-MM-DD")
    day = day or default_date
    if day is None:
        return Reject(str(path), line, "no date; add a 'date' field (YYYY-MM-DD) or pass --date")
    fields = {k: _clean(raw.get(k)) for k in ("source", "title", "url")}
    article_id = _clean(raw.get("id")) or _stable_id(fields["source"], day, fields["title"], text)
    return Article(id=article_id, date=day, source=fields["source"], title=fields["title"],
                   text=text.replace("\r\n", "\n"), url=fields["url"], origin=f"{path}:{line}")


def _clean(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _stable_id(source: str, day: dt.date, title: str, text: str) -> str:
    digest = hashlib.sha1("\x1f".join((source, day.isoformat(), title, text)).encode("utf-8")).hexdigest()
    return f"a{digest[:12]}"


def content_hash(article: Article) -> str:
    """What makes two records the same article: text, date, source and title (not id or url)."""
    date = article.date.isoformat() if article.date else ""
    parts = (article.text, date, article.source, article.title)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
