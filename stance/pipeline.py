"""Plain functions that chain the stages: articles -> scored statements -> shifts -> reports.

Everything here returns pandas DataFrames or records; writing files is left to ``run`` and
``report``, which the CLI and scripts call.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pandas as pd

from stance.classifier import DEFAULT_BATCH_SIZE
from stance.records import Article, ScoredStatement, Statement
from stance.watchlist import Watchlist

logger = logging.getLogger(__name__)

STATEMENT_COLUMNS = [
    "article_id", "date", "source", "speaker", "actor", "target", "kind", "cue", "text",
    "start", "end", "stance", "score", "confidence",
]
EXTRA_COLUMNS = ["url", "title", "mention", "inferred", "context", "speaker_name", "voice"]


def classifier_inputs(statement: Statement) -> list[tuple[str, str]]:
    """(target mention, text) pairs the classifier scores, one per linked target."""
    text = statement.context or statement.text
    return [(t.mention if t.mention and t.mention in text else t.entity, text) for t in statement.targets]


def score_statements(statements: Iterable[Statement], classifier, *, batch_size: int = DEFAULT_BATCH_SIZE) -> list[ScoredStatement]:
    """Score every (statement, target) pair; statements without targets are dropped."""
    statements = list(statements)
    pairs = [(s, t, inp) for s in statements for t, inp in zip(s.targets, classifier_inputs(s))]
    if not pairs:
        return []
    predictions = classifier.predict([p[2][0] for p in pairs], [p[2][1] for p in pairs], batch_size=batch_size)
    return [
        ScoredStatement(statement=s, target=t, stance=pred.label, score=max(-1.0, min(1.0, float(pred.score))),
                        confidence=float(pred.confidence))
        for (s, t, _), pred in zip(pairs, predictions)
    ]


def score_articles(
    articles: Iterable[Article],
    watchlist: Watchlist,
    classifier,
    *,
    nlp=None,
    n_process: int = 1,
    chunk_size: int = 256,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[ScoredStatement]:
    """Stream scored statements; articles are processed ``chunk_size`` at a time in constant memory."""
    from stance.attribution import iter_statements

    stream = iter(articles)
    while chunk := list(islice(stream, chunk_size)):
        statements = [s for _, found in iter_statements(chunk, watchlist, nlp=nlp, n_process=n_process) for s in found]
        yield from score_statements(statements, classifier, batch_size=batch_size)


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
            "speaker_name": s.speaker_name, "voice": s.voice,
        })
    return pd.DataFrame(rows, columns=STATEMENT_COLUMNS + EXTRA_COLUMNS)


def read_statements_csv(path: str | Path) -> pd.DataFrame:
    """Read a statements.csv written by ``run`` or ``score``, checking the columns are there."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such statements file; create one with `stance score`")
    df = pd.read_csv(path, dtype={"article_id": str, "actor": str, "target": str}, keep_default_na=False)
    missing = [c for c in STATEMENT_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {', '.join(missing)}; was it written by `stance score`?")
    for column in EXTRA_COLUMNS:
        if column not in df.columns:
            df[column] = ""
    df["inferred"] = df["inferred"].astype(str).str.lower().isin(["true", "1"])
    df["score"] = pd.to_numeric(df["score"])
    df["confidence"] = pd.to_numeric(df["confidence"])
    return df


@dataclass(frozen=True)
class RunResult:
    statements: pd.DataFrame
    shifts: pd.DataFrame
    files: dict[str, Path]


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
) -> pd.DataFrame:
    """Articles on disk -> the statements table (stages 1-4)."""
    from stance.classifier import StanceClassifier
    from stance.ingest import read_articles

    classifier = StanceClassifier.from_pretrained(model, backend=backend, device=device)
    titles: dict[str, str] = {}

    def remember_titles(articles: Iterable[Article]) -> Iterator[Article]:
        for article in articles:
            titles[article.id] = article.title
            yield article

    articles = read_articles(paths, default_date=default_date, skip_bad=skip_bad, rejects_path=rejects_path)
    scored = list(score_articles(remember_titles(articles), watchlist, classifier, n_process=n_process))
    logger.info("scored %d statement-target pairs from %d articles", len(scored), len(titles))
    return to_frame(scored, titles=titles)


def report(statements: pd.DataFrame, out_dir: str | Path, *, period: str = "auto",
           title: str = "Stance report") -> RunResult:
    """Stages 5-6 from a statements table: shifts.csv, framing.csv, charts and reports."""
    from stance.framing import framing_terms
    from stance.report import write_reports
    from stance.shifts import detect_shifts, shifts_to_frame

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shifts = detect_shifts(statements)
    shifts_df = shifts_to_frame(shifts)
    framing = framing_terms(statements)
    files = {"shifts": out_dir / "shifts.csv", "framing": out_dir / "framing.csv"}
    shifts_df.to_csv(files["shifts"], index=False)
    framing.to_csv(files["framing"], index=False)
    written = write_reports(statements, shifts, out_dir, title=title, framing=framing, period=period)
    files.update({k: Path(v) for k, v in written.items() if isinstance(v, (str, Path))})
    return RunResult(statements=statements, shifts=shifts_df, files=files)


def run(paths: Sequence[str | Path], watchlist: Watchlist, out_dir: str | Path, **options) -> RunResult:
    """The whole job: articles -> statements.csv, shifts.csv, charts, reports, index.html."""
    period = options.pop("period", "auto")
    title = options.pop("title", "Stance report")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    options.setdefault("rejects_path", out_dir / "rejects.csv")
    statements = score(paths, watchlist, **options)
    statements.to_csv(out_dir / "statements.csv", index=False)
    result = report(statements, out_dir, period=period, title=title)
    result.files["statements"] = out_dir / "statements.csv"
    return result
