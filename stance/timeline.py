"""Per (actor, target, period) stance aggregates with an uncertainty band.

Input is the statements DataFrame produced by ``stance.pipeline.to_frame`` (or read back
from statements.csv). Three steps, each usable on its own:

``normalise_statements``  coerce dates to ``datetime.date`` and scores to floats.
``dedupe_statements``     one row per statement: the same quote carried by several outlets
                          (same actor, target, normalised text, dates within a few days)
                          becomes one statement; ``n_outlets`` keeps how many carried it.
``aggregate``             per (actor, target, period): confidence-weighted mean score,
                          distinct statements, outlets, and a band.

The band is a normal approximation, chosen over a bootstrap because periods often hold one
or two statements, where a bootstrap band collapses to zero width. With weights
w = confidence, mean m = sum(w x) / sum(w) and Kish effective size n_eff = (sum w)^2 / sum(w^2),
the spread is a weighted sample variance pooled with a weak prior (sigma0 = 0.5 on the
[-1, 1] scale, worth ``PRIOR_DOF`` observations), so a single statement gets a wide band
instead of none: band = m +- z * sqrt(sigma^2 / n_eff), clipped to [-1, 1].

Periods without statements are absent (or NaN rows with ``complete=True``); nothing is
interpolated.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
import re
import unicodedata
from statistics import NormalDist

import numpy as np
import pandas as pd

from .records import UNSCORED

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("article_id", "date", "source", "speaker", "actor", "target", "kind", "text",
                    "stance", "score", "confidence")
PERIODS = ("day", "week", "month", "year", "auto")
_FREQ = {"day": "D", "week": "W-SUN", "month": "M", "year": "Y"}

MIN_WEIGHT = 0.05  # a near-zero confidence still counts a little, and never divides by zero
PRIOR_SIGMA = 0.5
PRIOR_DOF = 2.0
# Scores beyond these bounds read as a clear stance; between them, neutral.
LABEL_THRESHOLD = 0.33

AGGREGATE_COLUMNS = ("actor", "target", "period", "period_start", "period_end", "mean", "low", "high",
                     "n", "n_outlets", "n_reports", "label")


def label_for_score(score: float) -> str:
    """The stance label a mean score reads as; "" for NaN."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return ""
    if score <= -LABEL_THRESHOLD:
        return "against"
    if score >= LABEL_THRESHOLD:
        return "favor"
    return "neutral"


def _to_date(value: object) -> dt.date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text or text.lower() in ("nan", "nat", "none"):
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError as err:
        raise ValueError(f"cannot read date {value!r}: write dates as ISO YYYY-MM-DD") from err


def normalise_statements(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with ``date`` as ``datetime.date`` (or None), numeric score/confidence, str text columns."""
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"statements frame lacks columns {missing}; "
                         "build it with stance.pipeline.to_frame or read statements.csv")
    out = df.copy()
    out["date"] = [_to_date(v) for v in out["date"]]
    out["score"] = pd.to_numeric(out["score"], errors="coerce").clip(-1.0, 1.0)
    out["confidence"] = pd.to_numeric(out["confidence"], errors="coerce").fillna(0.0).clip(0.0, 1.0)
    for col in ("article_id", "source", "speaker", "actor", "target", "kind", "text", "stance",
                "url", "title", "mention", "context", "cue", "background"):
        if col in out.columns:
            out[col] = out[col].fillna("").astype(str)
        elif col in ("url", "title", "mention", "context", "cue", "background"):
            out[col] = ""
    if "inferred" in out.columns:
        out["inferred"] = out["inferred"].map(
            lambda v: str(v).strip().lower() in ("true", "1", "yes") if not isinstance(v, bool) else v)
    else:
        out["inferred"] = False
    if "start" not in out.columns:
        out["start"] = 0
    if "speaker_name" in out.columns:
        # "he (Abbas Araghchi)": the words as written, and who they were resolved to.
        names = out["speaker_name"].fillna("").astype(str)
        resolved = names.ne("") & names.ne(out["speaker"])
        out.loc[resolved, "speaker"] = out.loc[resolved, "speaker"] + " (" + names[resolved] + ")"
    unscored = (out["stance"] == UNSCORED) & out["score"].isna()
    if unscored.any():  # rows that no watchlist actor said, left unscored on purpose (actors_only)
        log.debug("leaving out %d statements left unscored", int(unscored.sum()))
        out = out[~unscored]
    bad = out["score"].isna()
    if bad.any():
        log.warning("dropping %d statements without a numeric score", int(bad.sum()))
        out = out[~bad]
    return out.reset_index(drop=True)


def normalise_text(text: str) -> str:
    """Quote text folded for matching across outlets (case, quotes, punctuation, spacing)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def dedupe_statements(df: pd.DataFrame, *, window_days: int = 3, recaps: bool = False) -> pd.DataFrame:
    """One row per distinct statement, per (actor, target): the series that shifts and charts read.

    Reports of the same quote (same actor, target and normalised text) whose dates fall within
    ``window_days`` of the first report are one statement. The row kept is the earliest report
    (ties: highest confidence); ``score`` becomes the confidence-weighted mean over reports,
    ``confidence`` their maximum. Added columns: ``n_reports``, ``n_outlets``, ``sources``
    (tuple of outlet names) and ``statement_id``. Rows with empty actor are kept (they are
    dropped by ``aggregate``); rows without text or date are never merged. Recaps of earlier
    events (a non-empty ``background``, see ``stance.attribution.background``) are left out, since
    the article's date is not theirs, unless ``recaps=True``.
    """
    if window_days < 0:
        raise ValueError(f"window_days must be >= 0, got {window_days}")
    data = normalise_statements(df)
    recap = data["background"].ne("")
    if not recaps and recap.any():
        log.debug("leaving out %d recaps of earlier events", int(recap.sum()))
        data = data[~recap].reset_index(drop=True)
    if data.empty:
        out = data.copy()
        for col, empty in (("n_reports", 0), ("n_outlets", 0), ("sources", ()), ("statement_id", "")):
            out[col] = pd.Series([empty] * 0, dtype=object)
        return out
    data["_norm"] = [normalise_text(t) for t in data["text"]]
    data["_row"] = np.arange(len(data))
    data["_ord"] = [d.toordinal() if d is not None else -1 for d in data["date"]]
    data = data.sort_values(["actor", "target", "_norm", "_ord", "confidence"],
                            ascending=[True, True, True, True, False], kind="stable")
    cluster = np.empty(len(data), dtype=np.int64)
    next_id = 0
    prev_key = None
    anchor = None
    for i, (actor, target, norm, ordinal) in enumerate(zip(data["actor"], data["target"], data["_norm"],
                                                          data["_ord"])):
        key = (actor, target, norm)
        mergeable = bool(norm) and ordinal >= 0
        if mergeable and key == prev_key and anchor is not None and ordinal - anchor <= window_days:
            cluster[i] = next_id - 1
            continue
        cluster[i] = next_id
        next_id += 1
        prev_key = key if mergeable else None
        anchor = ordinal if mergeable else None
    data["_cluster"] = cluster
    w = np.maximum(data["confidence"].to_numpy(float), MIN_WEIGHT)
    data["_w"], data["_wx"] = w, w * data["score"].to_numpy(float)
    groups = data.groupby("_cluster", sort=False)
    sums = groups[["_w", "_wx"]].sum()
    # Rows are sorted so that each cluster's first row is its earliest, most confident report.
    out = data.drop_duplicates("_cluster", keep="first").set_index("_cluster", drop=False)
    out["score"] = sums["_wx"] / sums["_w"]
    out["confidence"] = groups["confidence"].max()
    out["n_reports"] = groups.size()
    out["sources"] = [(s,) if s else () for s in out["source"]]
    multi = out.index[out["n_reports"] > 1]
    if len(multi):  # only clusters of several reports need their outlets collected
        merged = data[data["_cluster"].isin(multi)].groupby("_cluster")["source"].agg(
            lambda s: tuple(sorted({x for x in s if x})))
        out.loc[multi, "sources"] = pd.Series(list(merged.loc[multi]), index=multi, dtype=object)
    out["n_outlets"] = [max(len(s), 1) for s in out["sources"]]
    out = out.drop(columns=["_w", "_wx"]).reset_index(drop=True)
    out = out.sort_values(["actor", "target", "_ord", "_row"], kind="stable")
    out["statement_id"] = [f"s{int(c)}" for c in out["_cluster"]]
    return out.drop(columns=["_norm", "_row", "_ord", "_cluster"]).reset_index(drop=True)


def choose_period(dates: list[dt.date] | pd.Series) -> str:
    """The period an ``auto`` timeline uses: day up to a month of data, week up to a year,
    month up to five years, else year."""
    valid = [d for d in dates if d is not None]
    if not valid:
        return "day"
    span = (max(valid) - min(valid)).days
    if span <= 31:
        return "day"
    if span <= 366:
        return "week"
    if span <= 5 * 366:
        return "month"
    return "year"


def period_label(period: pd.Period, kind: str) -> str:
    start = period.start_time.date()
    if kind == "day":
        return start.isoformat()
    if kind == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "month":
        return f"{start.year}-{start.month:02d}"
    return str(start.year)


def _resolve_period(period: str, dates: list[dt.date] | pd.Series) -> str:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, got {period!r}")
    return choose_period(dates) if period == "auto" else period


def to_periods(dates: pd.Series, freq: str) -> pd.PeriodIndex:
    """``datetime.date`` values as pandas periods (vectorised)."""
    return pd.DatetimeIndex(pd.to_datetime(list(dates))).to_period(freq)


def weighted_band(scores: np.ndarray, weights: np.ndarray, *, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high) for one period; see the module docstring for the model."""
    w = np.maximum(np.asarray(weights, float), MIN_WEIGHT)
    x = np.asarray(scores, float)
    mean = float(np.sum(w * x) / np.sum(w))
    n_eff = float(np.sum(w) ** 2 / np.sum(w ** 2))
    dof = max(n_eff - 1.0, 0.0)
    sample_var = float(np.sum(w * (x - mean) ** 2) / np.sum(w)) * (n_eff / dof if dof > 0 else 0.0)
    sigma2 = (dof * sample_var + PRIOR_DOF * PRIOR_SIGMA ** 2) / (dof + PRIOR_DOF)
    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    half = z * math.sqrt(sigma2 / n_eff)
    return mean, max(-1.0, mean - half), min(1.0, mean + half)


def _aggregate_groups(stmts: pd.DataFrame, *, level: float) -> pd.DataFrame:
    # Vectorised ``weighted_band`` over all (actor, target, period) groups at once.
    w = np.maximum(stmts["confidence"].to_numpy(float), MIN_WEIGHT)
    x = stmts["score"].to_numpy(float)
    work = pd.DataFrame({"actor": stmts["actor"].to_numpy(), "target": stmts["target"].to_numpy(),
                         "_period": stmts["_period"].to_numpy(), "w": w, "w2": w * w, "wx": w * x,
                         "wxx": w * x * x, "n_reports": stmts["n_reports"].to_numpy(int)})
    keys = ["actor", "target", "_period"]
    g = work.groupby(keys, sort=True)
    sums = g[["w", "w2", "wx", "wxx", "n_reports"]].sum()
    sums["n"] = g.size()
    mean = sums["wx"] / sums["w"]
    n_eff = sums["w"] ** 2 / sums["w2"]
    dof = (n_eff - 1.0).clip(lower=0.0)
    spread = (sums["wxx"] / sums["w"] - mean ** 2).clip(lower=0.0)
    sample_var = np.where(dof > 1e-9, spread * n_eff / np.where(dof > 1e-9, dof, 1.0), 0.0)
    sigma2 = (dof * sample_var + PRIOR_DOF * PRIOR_SIGMA ** 2) / (dof + PRIOR_DOF)
    half = NormalDist().inv_cdf(0.5 + level / 2.0) * np.sqrt(sigma2 / n_eff)
    outlets = (stmts.assign(_src=stmts["sources"].map(lambda t: list(t) if t else [""]))[keys + ["_src"]]
               .explode("_src"))
    n_outlets = outlets[outlets["_src"] != ""].groupby(keys)["_src"].nunique()
    out = pd.DataFrame({"mean": mean, "low": (mean - half).clip(lower=-1.0), "high": (mean + half).clip(upper=1.0),
                        "n": sums["n"], "n_reports": sums["n_reports"]})
    out["n_outlets"] = n_outlets.reindex(out.index).fillna(0).astype(int).clip(lower=1)
    out["label"] = [label_for_score(m) for m in out["mean"]]
    return out.reset_index()


def _complete_periods(out: pd.DataFrame, freq: str) -> pd.DataFrame:
    parts = []
    for (actor, target), pair in out.groupby(["actor", "target"], sort=True):
        full = pd.period_range(pair["_period"].min(), pair["_period"].max(), freq=freq)
        pair = pair.set_index("_period").reindex(full)
        pair.index.name = "_period"
        pair["actor"], pair["target"] = actor, target
        pair[["n", "n_outlets", "n_reports"]] = pair[["n", "n_outlets", "n_reports"]].fillna(0).astype(int)
        pair["label"] = pair["label"].fillna("")
        parts.append(pair.reset_index())
    return pd.concat(parts, ignore_index=True)


def aggregate(df: pd.DataFrame, *, period: str = "auto", window_days: int = 3, level: float = 0.95,
              complete: bool = False, deduped: bool = False) -> pd.DataFrame:
    """Per (actor, target, period) stance aggregates, one row each, in date order.

    Columns: actor, target, period (label: 2024-12-08, 2024-W49, 2024-12 or 2024),
    period_start, period_end (dates), mean (confidence-weighted), low/high (band at ``level``),
    n (distinct statements after dedup), n_outlets (distinct outlets carrying them),
    n_reports (rows before dedup), label (against/neutral/favor of the mean).
    Statements without actor, target or date are left out. ``complete=True`` adds NaN rows for
    empty periods between a pair's first and last period (never interpolated). Pass
    ``deduped=True`` when ``df`` already comes from ``dedupe_statements``.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    stmts = df if deduped else dedupe_statements(df, window_days=window_days)
    if deduped:
        stmts = stmts.copy()
        stmts["date"] = [_to_date(v) for v in stmts["date"]]
    keep = (stmts["actor"].astype(str) != "") & (stmts["target"].astype(str) != "") & stmts["date"].notna()
    dropped = int((~keep).sum())
    if dropped:
        log.debug("aggregate: leaving out %d statements without actor, target or date", dropped)
    stmts = stmts[keep]
    if stmts.empty:
        return pd.DataFrame(columns=list(AGGREGATE_COLUMNS))
    kind = _resolve_period(period, list(stmts["date"]))
    freq = _FREQ[kind]
    stmts = stmts.assign(_period=to_periods(stmts["date"], freq))
    out = _aggregate_groups(stmts, level=level)
    if complete:
        out = _complete_periods(out, freq)
    out["period"] = [period_label(p, kind) for p in out["_period"]]
    out["period_start"] = [p.start_time.date() for p in out["_period"]]
    out["period_end"] = [p.end_time.date() for p in out["_period"]]
    out = out[list(AGGREGATE_COLUMNS)].reset_index(drop=True)
    out.attrs["period"] = kind
    return out
