"""Reading articles from .jsonl, .csv, .txt and saved web pages (.html/.htm: ``stance.ingest_html``)
into Article records.

Files are streamed record by record, so a file of any size is read in constant memory.
A bad record raises IngestError naming file and line, or, with ``skip_bad=True``, is
logged and appended to a rejects CSV with the reason. Bad records include text that is
not UTF-8 (never decoded with replacement characters), articles over the size cap and
dates outside the plausible range (``IngestLimits``). A UTF-8 byte-order mark is ignored.
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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from stance.ingest_html import HTML_SUFFIXES, read_html
from stance.records import Article

logger = logging.getLogger(__name__)

SUFFIXES = (".jsonl", ".csv", ".txt", *HTML_SUFFIXES)
FIELDS = ("id", "date", "source", "title", "text", "url")

# Long article bodies in one CSV cell exceed the csv module's default 128 KiB field limit.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class IngestError(ValueError):
    """A record that cannot be read; the message names file and line."""


# Longer than any news article (~15,000 words; features run to ~40,000 characters) and far
# below spaCy's own limit (1,000,000), so one pasted book or data dump cannot stall a run.
DEFAULT_MAX_CHARS = 100_000
SPACY_MAX_LENGTH = 1_000_000  # spaCy refuses longer texts (nlp.max_length); the cap may not exceed it
DEFAULT_MIN_DATE = dt.date(1900, 1, 1)
DEFAULT_MAX_DATE = dt.date(2100, 12, 31)
# A run of this many punctuation marks with no space or letter in it is never prose; spaCy's
# tokenizer is quadratic in such a token (10,000 quote marks take minutes), so it is cut short.
PUNCTUATION_RUN = 64
_PUNCTUATION_RUN_RE = re.compile(rf"[^\w\s]{{{PUNCTUATION_RUN},}}")


OVERSIZE = ("reject", "split")


@dataclass(frozen=True)
class IngestLimits:
    """What ingest accepts: articles up to ``max_chars`` characters, dated in [min_date, max_date].

    ``oversize``: what happens to a longer article: "reject" (a bad record, with its size) or
    "split" (parts of at most ``max_chars``, cut at paragraph, else sentence, else word breaks,
    with ids ``ID~1``, ``ID~2``, ...; offsets then refer to the part)."""

    max_chars: int = DEFAULT_MAX_CHARS
    min_date: dt.date = DEFAULT_MIN_DATE
    max_date: dt.date = DEFAULT_MAX_DATE
    oversize: str = "reject"

    def __post_init__(self) -> None:
        if not isinstance(self.max_chars, int) or not 1 <= self.max_chars <= SPACY_MAX_LENGTH:
            raise ValueError(f"IngestLimits.max_chars must be between 1 and {SPACY_MAX_LENGTH:,} characters "
                             f"(spaCy's limit), got {self.max_chars!r}; split longer articles")
        if self.oversize not in OVERSIZE:
            raise ValueError(f"IngestLimits.oversize must be one of {', '.join(OVERSIZE)}, got {self.oversize!r}")
        if self.min_date > self.max_date:
            raise ValueError(f"IngestLimits: min_date {self.min_date} is after max_date {self.max_date}; "
                             "swap them (--min-date/--max-date)")


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
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                           and not _hidden(p.relative_to(path)))
            if not found:
                logger.warning("%s: no .jsonl, .csv, .txt or .html files inside", path)
            files.extend(found)
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                raise IngestError(f"{path}: unsupported file type {path.suffix!r}; use .jsonl, .csv, .txt or .html")
            files.append(path)
        else:
            raise IngestError(f"{path}: no such file or folder")
    return files


def _hidden(relative: Path) -> bool:
    # Editor lock files, macOS "._" resource forks and the like: never articles.
    return any(part.startswith(".") for part in relative.parts)


def read_articles(
    paths: Iterable[str | Path],
    *,
    default_date: dt.date | None = None,
    skip_bad: bool = False,
    rejects_path: str | Path | None = None,
    on_reject: Any = None,
    limits: IngestLimits | None = None,
    log_rejects: bool = True,
) -> Iterator[Article]:
    """Yield Article records from files and folders, in a stable order.

    ``default_date`` is used for records without a date (e.g. a .txt whose text names none).
    ``on_reject`` (a callable taking a Reject) lets callers count or collect rejects.
    ``limits``: the size cap and date range (default ``IngestLimits()``). ``log_rejects=False``
    skips the warning per skipped or split record (for a counting pass before the real one).
    """
    limits = limits or IngestLimits()
    rejects = RejectWriter(rejects_path) if rejects_path else None
    seen: dict[str, str] = {}  # id -> content fingerprint, to catch id collisions
    for path in discover_files(paths):
        for line, record in _sized(_records(path, default_date, limits), limits, log=log_rejects):
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
            if log_rejects:
                logger.warning("skipped %s:%d: %s", record.file, record.line, record.reason)
            if rejects:
                rejects.write(record)
            if on_reject:
                on_reject(record)


def _sized(records: Iterable[tuple[int, Article | Reject]], limits: IngestLimits, *,
           log: bool = True) -> Iterator[tuple[int, Article | Reject]]:
    """Articles over the size cap rejected with their size, or split into parts."""
    for line, record in records:
        if not isinstance(record, Article) or len(record.text) <= limits.max_chars:
            yield line, record
            continue
        file = record.origin.rpartition(":")[0]
        if limits.oversize == "reject":
            yield line, Reject(file, line, f"text is {len(record.text):,} characters, over the {limits.max_chars:,} "
                                           "limit; split the article (--oversize split), or raise the limit with "
                                           "--max-chars")
            continue
        parts = split_text(record.text, limits.max_chars)
        (logger.warning if log else logger.debug)("%s: article %s is %d characters, over the %d limit; split into %d parts", record.origin,
                       record.id, len(record.text), limits.max_chars, len(parts))
        for k, part in enumerate(parts, 1):
            yield line, replace(record, id=f"{record.id}~{k}", text=part)


def split_text(text: str, max_chars: int) -> list[str]:
    """``text`` cut into consecutive parts of at most ``max_chars`` characters (joined, they give
    ``text`` back), at the last paragraph break in the second half of each window, else the last
    sentence or line end, else the last space, else anywhere."""
    parts, start = [], 0
    while len(text) - start > max_chars:
        window = text[start:start + max_chars]
        cut = window.rfind("\n\n") + 2
        if cut < max_chars // 2:
            cut = max(window.rfind(". "), window.rfind("\n")) + 1
        if cut < max_chars // 2:
            cut = window.rfind(" ") + 1
        if cut < max_chars // 2:
            cut = max_chars
        parts.append(text[start:start + cut])
        start += cut
    parts.append(text[start:])
    return parts


def _records(path: Path, default_date: dt.date | None,
             limits: IngestLimits) -> Iterator[tuple[int, Article | Reject]]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            yield from _jsonl_records(path, default_date, limits)
        elif suffix == ".csv":
            yield from _csv_records(path, default_date, limits)
        elif suffix in HTML_SUFFIXES:
            fields, reason = read_html(path, default_date)
            yield 1, Reject(str(path), 1, reason) if reason else _article(fields, path, 1, default_date, limits)
        else:
            yield 1, _txt_record(path, default_date, limits)
    except OSError as exc:  # unreadable file (permissions, a folder named like a file, I/O error)
        yield 1, Reject(str(path), 1, f"cannot read the file ({exc.strerror or exc})")


def _not_utf8(raw: bytes, start: int) -> str:
    """Why line ``raw`` is not UTF-8, where its first bad byte is at ``start``."""
    column = len(raw[:start].decode("utf-8", errors="replace")) + 1
    return (f"not UTF-8 text (byte 0x{raw[start]:02x} at column {column}); re-save the file as UTF-8, "
            "e.g. `iconv -f latin1 -t utf-8 IN > OUT` for a Latin-1 file")


class _Lines:
    """A binary file's lines decoded as UTF-8 (a leading BOM dropped); lines that are not UTF-8
    are decoded with replacement characters and remembered in ``bad`` (line -> reason), so the
    record that holds one can be rejected instead of read wrong."""

    def __init__(self, fh):
        self.fh = fh
        self.bad: dict[int, str] = {}
        self.line_no = 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.fh:
            self.line_no += 1
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.bad[self.line_no] = _not_utf8(raw, exc.start)
                text = raw.decode("utf-8", errors="replace")
            if self.line_no == 1:
                text = text.removeprefix("\ufeff")
            yield text

    def bad_between(self, first: int, last: int) -> str | None:
        for line in range(first, last + 1):
            if line in self.bad:
                return f"line {line}: {self.bad[line]}" if line != first else self.bad[line]
        return None


def _jsonl_records(path: Path, default_date: dt.date | None,
                   limits: IngestLimits) -> Iterator[tuple[int, Article | Reject]]:
    with path.open("rb") as fh:
        lines = _Lines(fh)
        for line_no, line in enumerate(lines, 1):
            if line_no in lines.bad:
                yield line_no, Reject(str(path), line_no, lines.bad[line_no])
                continue
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                yield line_no, Reject(str(path), line_no, f"not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            except RecursionError:
                yield line_no, Reject(str(path), line_no, "not valid JSON (nested too deeply)")
                continue
            if not isinstance(raw, dict):
                yield line_no, Reject(str(path), line_no, "expected a JSON object per line")
                continue
            yield line_no, _article(raw, path, line_no, default_date, limits)


def _csv_records(path: Path, default_date: dt.date | None,
                 limits: IngestLimits) -> Iterator[tuple[int, Article | Reject]]:
    with path.open("rb") as fh:
        lines = _Lines(fh)
        reader = csv.DictReader(lines)
        try:
            fieldnames = reader.fieldnames
        except csv.Error as exc:
            yield 1, Reject(str(path), 1, f"not a readable CSV file ({exc})")
            return
        header = [h.strip().lower() for h in (fieldnames or [])]
        if lines.bad:
            yield 1, Reject(str(path), 1, f"header: {lines.bad_between(1, reader.line_num)}")
            return
        if "text" not in header:
            yield 1, Reject(str(path), 1, f"CSV header has no 'text' column (found: {', '.join(header) or 'nothing'}); "
                            f"expected columns {', '.join(FIELDS)}")
            return
        reader.fieldnames = header
        start_line = reader.line_num + 1
        while True:
            line_no = start_line
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield line_no, Reject(str(path), line_no, f"CSV cannot be read from here on ({exc}); "
                                                          "the rest of the file is skipped")
                return
            start_line = reader.line_num + 1
            bad = lines.bad_between(line_no, reader.line_num)
            if bad:
                yield line_no, Reject(str(path), line_no, bad)
                continue
            if None in row:
                yield line_no, Reject(str(path), line_no, "row has more cells than the header")
                continue
            yield line_no, _article(row, path, line_no, default_date, limits)


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


def _txt_record(path: Path, default_date: dt.date | None, limits: IngestLimits) -> Article | Reject:
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        return Reject(str(path), line, _not_utf8(raw[line_start:], exc.start - line_start))
    content = content.replace("\r\n", "\n")
    title, _, body = content.strip().partition("\n")
    body = body.strip()
    if not body:
        return Reject(str(path), 1, "no text after the title line (the first line is the title)")
    day = find_date(body[:2000]) or default_date
    if day is None:
        return Reject(str(path), 1, "no date found in the text; write one like 'December 8, 2024' or pass --date")
    return _article({"title": title.strip(), "text": body, "date": day.isoformat(), "source": path.stem},
                    path, 1, default_date, limits)


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


def _article(raw: dict[str, Any], path: Path, line: int, default_date: dt.date | None,
             limits: IngestLimits) -> Article | Reject:
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
    if not limits.min_date <= day <= limits.max_date:
        return Reject(str(path), line, f"date {day.isoformat()} is outside the plausible range "
                                       f"{limits.min_date.isoformat()} to {limits.max_date.isoformat()}; fix the "
                                       "date, or widen the range with --min-date/--max-date")
    fields = {k: _clean(raw.get(k)) for k in ("source", "title", "url")}
    article_id = _clean(raw.get("id")) or _stable_id(fields["source"], day, fields["title"], text)
    text = collapse_punctuation_runs(text.replace("\r\n", "\n"), f"{path}:{line}")
    return Article(id=article_id, date=day, source=fields["source"], title=fields["title"],
                   text=text, url=fields["url"], origin=f"{path}:{line}")


def collapse_punctuation_runs(text: str, where: str = "") -> str:
    """``text`` with every run of PUNCTUATION_RUN or more punctuation marks (no space or letter
    between them) cut to its first three characters; logged, since offsets then refer to the
    shortened text."""
    shortened, n = _PUNCTUATION_RUN_RE.subn(lambda m: m.group(0)[:3], text)
    if n:
        logger.warning("%s: cut %d run(s) of %d+ punctuation marks to 3 characters each (%d characters removed)",
                       where or "article", n, PUNCTUATION_RUN, len(text) - len(shortened))
    return shortened


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
