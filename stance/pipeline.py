"""Plain functions that chain the stages: articles -> scored statements -> shifts -> reports.

Everything here returns pandas DataFrames or records; writing files is left to ``run`` and
``report``, which the CLI and scripts call.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path

import pandas as pd

from stance.classifier import DEFAULT_BATCH_SIZE
from stance.ingest import IngestLimits
from stance.records import STANCE_LABELS, UNSCORED, Article, ScoredStatement, Statement
from stance.watchlist import Watchlist

logger = logging.getLogger(__name__)

STATEMENT_COLUMNS = [
    "article_id", "date", "source", "speaker", "actor", "target", "kind", "cue", "text",
    "start", "end", "stance", "score", "confidence",
]
EXTRA_COLUMNS = ["url", "title", "mention", "inferred", "context", "speaker_name", "voice", "background"]


# A pronoun resolved to a target is our guess at coreference; marked in the text, it would have the classifier
# read the stance toward whoever the pronoun names ("... their connection to this land" of another people).
_UNMARKED_MENTIONS = frozenset({"they", "them", "their", "theirs"})


def classifier_inputs(statement: Statement) -> list[tuple[str, str]]:
    """(target mention, text) pairs the classifier scores, one per linked target; a target named only by a
    pronoun is given by its entity name, unmarked."""
    text = statement.context or statement.text
    return [(t.mention if t.mention and t.mention in text and t.mention.lower() not in _UNMARKED_MENTIONS
             else t.entity, text) for t in statement.targets]


def score_statements(statements: Iterable[Statement], classifier, *, batch_size: int = DEFAULT_BATCH_SIZE,
                     actors_only: bool = False) -> list[ScoredStatement]:
    """Score every (statement, target) pair; statements without targets are dropped.

    ``actors_only``: pairs whose statement no watchlist actor said (``actor == ""``) are kept
    unscored (stance ``UNSCORED``, NaN score and confidence) instead of going through the
    classifier: for users who want actors' stances only, which is all that shifts and reports read."""
    statements = list(statements)
    pairs = [(s, t, inp) for s in statements for t, inp in zip(s.targets, classifier_inputs(s))]
    todo = [p for p in pairs if p[0].actor or not actors_only]
    predictions = iter([])
    if todo:
        # a speaker-aware model reads who speaks (the actor), as it was trained; unattributed speakers go without
        extra = ({"speakers": [p[0].actor for p in todo]} if getattr(classifier, "speaker_input", False) else {})
        predictions = iter(classifier.predict([p[2][0] for p in todo], [p[2][1] for p in todo],
                                              batch_size=batch_size, **extra))
    out = []
    for s, t, _ in pairs:
        if s.actor or not actors_only:
            pred = next(predictions)
            out.append(ScoredStatement(statement=s, target=t, stance=pred.label,
                                       score=max(-1.0, min(1.0, float(pred.score))), confidence=float(pred.confidence)))
        else:
            out.append(ScoredStatement(statement=s, target=t, stance=UNSCORED, score=float("nan"),
                                       confidence=float("nan")))
    return out


def score_articles(
    articles: Iterable[Article],
    watchlist: Watchlist,
    classifier,
    *,
    nlp=None,
    n_process: int = 1,
    chunk_size: int = 256,
    batch_size: int = DEFAULT_BATCH_SIZE,
    actors_only: bool = False,
) -> Iterator[ScoredStatement]:
    """Stream scored statements; articles are processed ``chunk_size`` at a time in constant memory.
    ``actors_only`` as for ``score_statements``."""
    from stance.attribution import iter_statements

    stream = iter(articles)
    while chunk := list(islice(stream, chunk_size)):
        statements = [s for _, found in iter_statements(chunk, watchlist, nlp=nlp, n_process=n_process) for s in found]
        yield from score_statements(statements, classifier, batch_size=batch_size, actors_only=actors_only)


def to_frame(scored: Iterable[ScoredStatement], *, titles: dict[str, str] | None = None) -> pd.DataFrame:
    """The statements table: one row per (statement, target)."""
    titles = titles or {}
    rows = []
    for item in scored:
        s = item.statement
        rows.append({
            "article_id": s.article_id, "date": s.date.isoformat() if s.date else "", "source": s.source,
            "speaker": s.speaker, "actor": s.actor, "target": item.target.entity, "kind": s.kind, "cue": s.cue,
            "text": s.text, "start": s.start, "end": s.end, "stance": item.stance, "score": round(item.score, 4),
            "confidence": round(item.confidence, 4), "url": s.url, "title": titles.get(s.article_id, ""),
            "mention": item.target.mention, "inferred": item.target.inferred, "context": s.context,
            "speaker_name": s.speaker_name, "voice": s.voice, "background": s.background,
        })
    return pd.DataFrame(rows, columns=STATEMENT_COLUMNS + EXTRA_COLUMNS)


class StatementsFileError(ValueError):
    """A statements.csv that cannot be used; the message names file, line and column."""


def _csv_line(path: Path, row: int) -> int:
    """The physical line on which data row ``row`` (0-based) starts (quoted cells may span lines)."""
    import csv

    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.reader(fh)
        line = 1
        for i, _ in enumerate(reader):
            if i == row + 1:
                return line
            line = reader.line_num + 1
    return line


def read_statements_csv(path: str | Path, *, limits: IngestLimits | None = None) -> pd.DataFrame:
    """Read a statements.csv written by ``run`` or ``score``, checking its columns and values.

    A value that the report stage cannot use (a score outside [-1, 1], an unknown stance label,
    a date that is not a day or lies outside ``limits``' range) raises StatementsFileError
    naming file, line and column."""
    path = Path(path)
    limits = limits or IngestLimits()
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such statements file; create one with `stance score`")
    if path.is_dir():
        raise StatementsFileError(f"{path}: is a folder; pass the statements.csv inside it")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StatementsFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); "
                                  "re-save it as UTF-8") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise StatementsFileError(f"{path}: not a readable CSV file ({' '.join(str(exc).split())[:300]})") from None
    missing = [c for c in STATEMENT_COLUMNS if c not in df.columns]
    if missing:
        raise StatementsFileError(f"{path}: missing columns {', '.join(missing)}; was it written by `stance score`?")
    for column in EXTRA_COLUMNS:
        if column not in df.columns:
            df[column] = ""

    def fail(row: int, column: str, problem: str) -> None:
        raise StatementsFileError(f"{path}:{_csv_line(path, row)}: column '{column}' {problem}; fix or remove that "
                                  "row (files written by `stance score` always pass)")

    # Rows left unscored on purpose (`stance score --actors-only`): empty stance, score and confidence.
    unscored = (df["stance"] == UNSCORED) & (df["score"] == "") & (df["confidence"] == "")
    for column, low, high in (("score", -1.0, 1.0), ("confidence", 0.0, 1.0)):
        values = pd.to_numeric(df[column], errors="coerce")
        bad = (values.isna() | ~values.between(low, high)) & ~unscored
        if bad.any():
            row = int(bad.to_numpy().argmax())
            fail(row, column, f"holds {df[column].iloc[row][:40]!r}, not a number in [{low:g}, {high:g}]")
        df[column] = values.astype(float)
    bad = ~df["stance"].isin(STANCE_LABELS) & ~unscored
    if bad.any():
        row = int(bad.to_numpy().argmax())
        fail(row, "stance", f"holds {df['stance'].iloc[row][:40]!r}, not one of {', '.join(STANCE_LABELS)} "
                            "(or empty, with empty score and confidence, for a row left unscored)")
    days = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
    bad = (df["date"] != "") & days.isna()
    if bad.any():
        row = int(bad.to_numpy().argmax())
        fail(row, "date", f"holds {df['date'].iloc[row][:40]!r}, not a date written YYYY-MM-DD")
    out_of_range = (df["date"] != "") & ((df["date"] < limits.min_date.isoformat())
                                        | (df["date"] > limits.max_date.isoformat()))
    if out_of_range.any():
        row = int(out_of_range.to_numpy().argmax())
        fail(row, "date", f"holds {df['date'].iloc[row]}, outside the plausible range {limits.min_date} to "
                          f"{limits.max_date}")
    for column in ("start", "end"):
        values = pd.to_numeric(df[column], errors="coerce")
        bad = values.isna() | (values < 0) | (values != values.round())
        if bad.any():
            row = int(bad.to_numpy().argmax())
            fail(row, column, f"holds {df[column].iloc[row][:40]!r}, not a character offset")
        df[column] = values.astype("int64")
    df["inferred"] = df["inferred"].astype(str).str.lower().isin(["true", "1"])
    return df


@dataclass(frozen=True)
class RunResult:
    statements: pd.DataFrame
    shifts: pd.DataFrame
    files: dict[str, Path]
    alerts: pd.DataFrame | None = None  # changes since the previous run in the same folder (stance.alerts)


def _cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def score(
    paths: Sequence[str | Path],
    watchlist: Watchlist,
    *,
    model: str | Path | None = None,
    backend: str = "auto",
    device: str = "cpu",
    default_date: dt.date | None = None,
    skip_bad: bool = False,
    rejects_path: str | Path | None = None,
    n_process: int = 1,
    limits: IngestLimits | None = None,
    progress=None,
    chunk_size: int = 64,
    cache=None,
    actors_only: bool = False,
) -> pd.DataFrame:
    """Articles on disk -> the statements table (stages 1-4).

    All inputs are read once before the model is loaded, so a bad record (without
    ``skip_bad``) stops the run before any scoring, not after. ``progress`` is called with a
    ``stance.progress.BatchProgress`` after every ``chunk_size`` articles. The frame's
    ``attrs["articles"]`` holds the number of articles read (with or without statements),
    ``attrs["scored"]`` / ``attrs["cached"]`` how many were scored / answered by ``cache``.

    ``cache``: rows per article from an earlier run (``stance.monitor.ArticleCache``: ``get(articles)``
    -> {id: rows}, ``put([(article, rows)])``); only the articles it lacks are parsed and scored, and
    the model loads only if there are any. The cache's version must then tell ``actors_only`` runs apart
    (``stance.monitor.scorer_version`` does).

    ``actors_only``: rows that no watchlist actor said are kept without a score (empty ``stance``,
    ``score`` and ``confidence``), so the classifier runs on actors' statements only.
    """
    import time

    from stance.attribution import iter_statements
    from stance.classifier import StanceClassifier
    from stance.ingest import read_articles
    from stance.progress import BatchProgress

    started = time.perf_counter()
    options = {"default_date": default_date, "limits": limits}
    # A first pass over the inputs (cheap next to scoring): without skip_bad a bad record stops
    # the run here, before the model loads, instead of discarding what was scored before it.
    total = sum(1 for _ in read_articles(paths, skip_bad=skip_bad, log_rejects=False, **options))
    # The model reads chunk k on its own thread while this one parses chunk k+1 (spaCy and the
    # classifier take about the same time): half the cores each, instead of the model's threads
    # spinning while the parse waits. 300 real-news articles, 2 cores: see the README's Speed section.
    load = partial(StanceClassifier.from_pretrained, model, backend=backend, device=device,
                   threads=max(1, _cores() // 2))
    classifier = None if cache is not None else load()
    titles: dict[str, str] = {}
    stream = read_articles(paths, skip_bad=skip_bad, rejects_path=rejects_path, **options)
    rows: dict[str, list[dict]] = {}  # article id -> its rows, filled in input order
    n_done = n_rows = n_cached = 0
    failures = _Failures(skip_bad, rejects_path)

    def rescore_one_by_one(todo: list[Article]) -> list[ScoredStatement]:
        scored = []
        for article in todo:
            try:
                scored.extend(score_articles([article], watchlist, classifier, n_process=1, actors_only=actors_only))
            except Exception as exc:  # noqa: BLE001
                failures.add(article, exc)
        return scored

    def finish(chunk: list[Article], hits: dict, todo: list[Article], scoring: Future | None) -> None:
        nonlocal n_done, n_rows, n_cached
        failed_before = len(failures.ids)
        try:
            scored = scoring.result() if scoring is not None else []
        except Exception:  # noqa: BLE001 - one article spaCy or the classifier fails on must not sink the run
            logger.warning("scoring %d articles failed; retrying one by one to find the bad ones", len(todo),
                           exc_info=True)
            scored = rescore_one_by_one(todo)
        fresh: dict[str, list[dict]] = {a.id: [] for a in todo}
        for row in to_frame(scored, titles=titles).to_dict("records"):
            fresh[row["article_id"]].append(row)
        if cache is not None:  # saved chunk by chunk: an interrupted run keeps what it scored
            failed = set(failures.ids[failed_before:])
            cache.put([(a, fresh[a.id]) for a in todo if a.id not in failed])
        for article in chunk:
            rows[article.id] = hits[article.id] if article.id in hits else fresh[article.id]
            n_rows += len(rows[article.id])
        n_done += len(chunk)
        n_cached += len(hits)
        if progress is not None:
            progress(BatchProgress(read=n_done, scored=n_done - n_cached, cached=n_cached,
                                   statements=n_rows, total=total, elapsed_s=time.perf_counter() - started))

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stance-classifier") as model_thread:
        pending = None  # the chunk whose statements the model is reading
        while chunk := list(islice(stream, chunk_size)):
            titles.update((a.id, a.title) for a in chunk)
            hits = cache.get(chunk) if cache is not None else {}
            todo = [a for a in chunk if a.id not in hits]
            if todo and classifier is None:
                classifier = load()
            scoring = None
            if todo:
                try:
                    statements = [s for _, found in iter_statements(todo, watchlist, n_process=n_process)
                                  for s in found]
                except Exception as exc:  # noqa: BLE001 - finish() retries the chunk one article at a time
                    scoring = Future()
                    scoring.set_exception(exc)
            # One chunk in flight at a time: its rows are kept in input order, and a retry one by one
            # never shares the model with the thread.
            if pending is not None:
                finish(*pending)
            if todo and scoring is None:
                scoring = model_thread.submit(score_statements, statements, classifier, actors_only=actors_only)
            pending = (chunk, hits, todo, scoring)
        if pending is not None:
            finish(*pending)
    logger.info("%d statement-target pairs from %d articles (%d from the cache)", n_rows, len(titles), n_cached)
    frame = pd.DataFrame([row for article_rows in rows.values() for row in article_rows],
                         columns=STATEMENT_COLUMNS + EXTRA_COLUMNS)
    frame.attrs.update(articles=len(titles), scored=len(titles) - n_cached, cached=n_cached)
    return frame


class _Failures:
    """Articles that could not be scored: an error naming file and line, or with ``skip_bad`` a
    rejects line, like any bad record."""

    def __init__(self, skip_bad: bool, rejects_path: str | Path | None):
        from stance.ingest import RejectWriter

        self.skip_bad = skip_bad
        self.writer = RejectWriter(rejects_path) if rejects_path else None
        self.ids: list[str] = []  # articles skipped so far

    def add(self, article: Article, exc: Exception) -> None:
        from stance.ingest import IngestError, Reject

        reason = f"scoring failed for article {article.id!r}: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
        if not self.skip_bad:
            raise IngestError(f"{article.origin}: {reason} (pass --skip-bad to skip such articles)") from exc
        logger.warning("skipped %s: %s", article.origin, reason)
        self.ids.append(article.id)
        if self.writer is not None:
            file, _, line = article.origin.rpartition(":")
            self.writer.write(Reject(file, int(line) if line.isdigit() else 0, reason))


_READ = object()  # report(): read the previous shifts from the folder itself


def report(statements: pd.DataFrame, out_dir: str | Path, *, period: str = "auto",
           title: str = "Stance report", previous_shifts=_READ) -> RunResult:
    """Stages 5-6 from a statements table: shifts.csv, framing.csv, charts and reports, and
    alerts.csv / alerts.md: the shifts new, newly confirmed or withdrawn since ``previous_shifts``
    (by default the shifts.csv a previous run left in ``out_dir``; None: a first run), shown first
    on the index page (``stance.alerts``)."""
    from stance.alerts import read_previous_shifts
    from stance.outputs import locked, prepare_out_dir

    out_dir = prepare_out_dir(out_dir)
    with locked(out_dir):
        if previous_shifts is _READ:
            previous_shifts = read_previous_shifts(out_dir / "shifts.csv")
        return _report(statements, out_dir, period=period, title=title, previous=previous_shifts)


def _report(statements: pd.DataFrame, out_dir: Path, *, period: str, title: str,
            previous: pd.DataFrame | None) -> RunResult:
    from stance.alerts import compute_alerts, write_alerts
    from stance.framing import framing_terms
    from stance.outputs import remove_stale_reports
    from stance.report import write_reports
    from stance.shifts import detect_shifts, shifts_to_frame

    shifts = detect_shifts(statements)
    shifts_df = shifts_to_frame(shifts)
    framing = framing_terms(statements)
    alerts = compute_alerts(previous, shifts_df)
    files = {"shifts": out_dir / "shifts.csv", "framing": out_dir / "framing.csv"}
    shifts_df.to_csv(files["shifts"], index=False)
    framing.to_csv(files["framing"], index=False)
    files.update(write_alerts(alerts, out_dir))
    written = write_reports(statements, shifts, out_dir, title=title, framing=framing, period=period,
                            alerts=alerts.to_dict("records"), first_run=previous is None)
    files.update({k: Path(v) for k, v in written.items() if isinstance(v, (str, Path))})
    keep = [*files.values(), *written["heatmaps"].values()]
    keep += [path for paths in written["actors"].values() for key, path in paths.items() if key != "slug"]
    remove_stale_reports(out_dir, keep)  # reports of actors an earlier run had and this one has not
    return RunResult(statements=statements, shifts=shifts_df, files=files, alerts=alerts)


def score_to_folder(paths: Sequence[str | Path], watchlist: Watchlist, out_dir: str | Path,
                    **options) -> pd.DataFrame:
    """``score`` into ``out_dir``: statements.csv and rejects.csv, replacing an earlier run's as a pair.

    The folder is checked before any work; both files are written only once scoring is done
    (an interrupted or failed run leaves the earlier run's files as they were), and the report
    files of an earlier run, made from other statements, are removed.
    """
    from stance.outputs import locked, prepare_out_dir

    out_dir = prepare_out_dir(out_dir, paths)
    with locked(out_dir):
        return _score_to_folder(paths, watchlist, out_dir, **options)


def _score_to_folder(paths: Sequence[str | Path], watchlist: Watchlist, out_dir: Path, **options) -> pd.DataFrame:
    from stance.io import atomic_write_text, temp_path
    from stance.outputs import remove_stale_reports

    rejects = out_dir / "rejects.csv"
    pending = temp_path(rejects)
    pending.unlink(missing_ok=True)
    try:
        statements = score(paths, watchlist, rejects_path=pending, **options)
        atomic_write_text(out_dir / "statements.csv", statements.to_csv(index=False))
        if pending.exists():
            os.replace(pending, rejects)
        else:
            rejects.unlink(missing_ok=True)
    finally:
        pending.unlink(missing_ok=True)
    remove_stale_reports(out_dir)
    return statements


def run(paths: Sequence[str | Path], watchlist: Watchlist, out_dir: str | Path, **options) -> RunResult:
    """The whole job: articles -> statements.csv, shifts.csv, charts, reports, index.html, and the
    alerts since the previous run in ``out_dir`` (``stance.monitor.run`` adds the score cache)."""
    from stance.alerts import read_previous_shifts

    period = options.pop("period", "auto")
    title = options.pop("title", "Stance report")
    previous = read_previous_shifts(Path(out_dir) / "shifts.csv")  # scoring clears the earlier run's reports
    statements = score_to_folder(paths, watchlist, out_dir, **options)
    result = report(statements, out_dir, period=period, title=title, previous_shifts=previous)
    result.files["statements"] = Path(out_dir) / "statements.csv"
    return result
