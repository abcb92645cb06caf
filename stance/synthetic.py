"""Synthetic statement series with a known answer, for tests and ``scripts/eval_shifts.py``.

In the spirit of ``ruptures.pw_constant``: a piecewise-constant mean score plus Gaussian
noise, clipped to [-1, 1], laid out on (by default irregular) dates in the statements schema.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .timeline import label_for_score

OUTLETS = ("Outlet A", "Outlet B", "Outlet C", "Outlet D")
DEFAULT_START = dt.date(2024, 11, 1)


def _gaps(rng: np.random.Generator, n: int, irregular: bool) -> np.ndarray:
    if not irregular:
        return np.ones(n, dtype=int)
    # Mostly a few days apart, sometimes the same day, as statements cluster around events.
    return rng.choice([0, 1, 1, 2, 3, 5, 8], size=n)


def _frame(scores: np.ndarray, dates: list[dt.date], *, rng: np.random.Generator, actor: str, target: str,
           tag: str) -> pd.DataFrame:
    rows = []
    for i, (score, day) in enumerate(zip(scores, dates)):
        score = float(np.clip(score, -1.0, 1.0))
        source = OUTLETS[int(rng.integers(len(OUTLETS)))]
        rows.append({
            "article_id": f"{tag}-{i:03d}", "date": day, "source": source,
            "speaker": f"{actor} spokesperson", "actor": actor, "target": target,
            "kind": "direct", "cue": "said",
            "text": f"Synthetic statement {i} by {actor} about {target} ({tag}).",
            "start": 0, "end": 10, "stance": label_for_score(score), "score": score,
            "confidence": float(rng.uniform(0.5, 1.0)),
            "url": f"https://example.org/{tag}/{i}", "title": f"Synthetic article {i}",
            "mention": target, "inferred": False, "context": "",
        })
    return pd.DataFrame(rows)


def _misread(means: np.ndarray, rng: np.random.Generator, rate: float) -> np.ndarray:
    """Flip the sign of a ``rate`` share of the means: the classifier reading favour as against."""
    if not 0 <= rate < 0.5:
        raise ValueError(f"outliers must be in [0, 0.5), got {rate}")
    return np.where(rng.random(len(means)) < rate, -means, means)


def make_series(*, n_before: int, n_after: int, delta: float, noise: float, start: dt.date = DEFAULT_START,
                seed: int = 0, irregular: bool = True, level: float | None = None, actor: str = "Actor",
                target: str = "Target", outliers: float = 0.0) -> tuple[pd.DataFrame, dt.date]:
    """A series with one shift of ``delta`` in mean score; returns (statements, true shift date).

    ``outliers``: share of statements whose mean is sign-flipped (misread by the classifier).

    The mean is ``level`` before and ``level + delta`` after (``level`` defaults to ``-delta/2``
    so both sides sit symmetric around 0). The true shift date is the first day of the new
    regime: every "before" statement is dated earlier, every "after" statement on or after it.
    """
    if n_before < 1 or n_after < 1:
        raise ValueError("n_before and n_after must be >= 1")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng = np.random.default_rng(seed)
    level = -delta / 2.0 if level is None else level
    means = np.r_[np.full(n_before, level), np.full(n_after, level + delta)]
    scores = means + rng.normal(0.0, noise, size=n_before + n_after)
    if outliers:
        scores = _misread(means, np.random.default_rng([seed, 1]), outliers) + (scores - means)
    gaps = _gaps(rng, n_before + n_after, irregular)
    gaps[0] = 0
    gaps[n_before] = max(int(gaps[n_before]), 1)  # the regimes never share a day
    offsets = np.cumsum(gaps)
    dates = [start + dt.timedelta(days=int(o)) for o in offsets]
    true_date = dates[n_before]
    return _frame(scores, dates, rng=rng, actor=actor, target=target, tag=f"syn{seed}"), true_date


def make_flat_series(*, n: int, noise: float, level: float = 0.0, start: dt.date = DEFAULT_START, seed: int = 0,
                     irregular: bool = True, actor: str = "Actor", target: str = "Target",
                     outliers: float = 0.0) -> pd.DataFrame:
    """A series without any shift: constant mean ``level`` plus noise (``outliers``: as in make_series)."""
    if n < 1:
        raise ValueError("n must be >= 1")
    rng = np.random.default_rng(seed)
    scores = level + rng.normal(0.0, noise, size=n)
    if outliers:
        scores = _misread(np.full(n, level), np.random.default_rng([seed, 1]), outliers) + (scores - level)
    gaps = _gaps(rng, n, irregular)
    gaps[0] = 0
    dates = [start + dt.timedelta(days=int(o)) for o in np.cumsum(gaps)]
    return _frame(scores, dates, rng=rng, actor=actor, target=target, tag=f"flat{seed}")


SPARSE_GAPS = (30, 45, 60, 90, 120, 180, 270, 365, 540, 730)  # days between articles on sparse coverage


def make_sparse_series(*, n_before: int, n_after: int, delta: float, noise: float, start: dt.date = DEFAULT_START,
                       seed: int = 0, level: float | None = None, actor: str = "Actor", target: str = "Target",
                       outliers: float = 0.0, same_article: float = 0.3) -> tuple[pd.DataFrame, dt.date]:
    """Sparse coverage: articles months to years apart (``SPARSE_GAPS``), one shift of ``delta``.

    As ``make_series`` (``delta=0`` gives a stable series), except that the statements sit in
    articles months apart and a statement shares the previous statement's article (same id and
    date) with probability ``same_article``; the first statement after the turn always starts a
    new article. Returns (statements, true shift date = date of the first new-side statement).
    """
    if n_before < 1 or n_after < 1:
        raise ValueError("n_before and n_after must be >= 1")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    if not 0 <= same_article <= 1:
        raise ValueError(f"same_article must be in [0, 1], got {same_article}")
    rng = np.random.default_rng([seed, 7])
    level = -delta / 2.0 if level is None else level
    n = n_before + n_after
    means = np.r_[np.full(n_before, level), np.full(n_after, level + delta)]
    scores = means + rng.normal(0.0, noise, size=n)
    if outliers:
        scores = _misread(means, np.random.default_rng([seed, 1]), outliers) + (scores - means)
    shared = rng.random(n) < same_article
    shared[0] = shared[n_before] = False
    gaps = np.where(shared, 0, rng.choice(SPARSE_GAPS, size=n))
    gaps[0] = 0
    dates = [start + dt.timedelta(days=int(o)) for o in np.cumsum(gaps)]
    df = _frame(scores, dates, rng=rng, actor=actor, target=target, tag=f"sparse{seed}")
    article = np.cumsum(~shared) - 1
    df["article_id"] = [f"sparse{seed}-{target}-a{int(a):03d}" for a in article]
    df["source"] = [df["source"].iloc[int(np.flatnonzero(article == a)[0])] for a in article]
    return df, dates[n_before]


# Statements per article for one (actor, target) pair, as the extractor finds them in real news
# (a stance run on ../shared/data/realnews: mean 3.3, one in three articles gives one statement,
# an interview a dozen): {statements: articles}.
ARTICLE_SIZES = {1: 101, 2: 53, 3: 43, 4: 43, 5: 17, 6: 19, 7: 11, 8: 11, 9: 3, 10: 2, 11: 3, 12: 3, 14: 2}
ARTICLE_GAPS = (1, 2, 3, 5, 8, 13, 30)  # days between articles


def make_clustered_series(*, articles_before: int, articles_after: int, delta: float, noise: float,
                          article_noise: float = 0.0, start: dt.date = DEFAULT_START, seed: int = 0,
                          level: float | None = None, actor: str = "Actor",
                          target: str = "Target") -> tuple[pd.DataFrame, dt.date]:
    """Statements that come in articles, as in real news: each article has a size drawn from
    ``ARTICLE_SIZES``, one date and one outlet, and an offset shared by its statements (normal,
    sd ``article_noise``: one interview read in one tone), on top of each statement's own noise.
    One shift of ``delta`` between the articles (``delta=0``: a stable series).
    Returns (statements, true shift date = date of the first new-side article).
    """
    if articles_before < 1 or articles_after < 1:
        raise ValueError("articles_before and articles_after must be >= 1")
    if noise < 0 or article_noise < 0:
        raise ValueError(f"noise and article_noise must be >= 0, got {noise} and {article_noise}")
    rng = np.random.default_rng([seed, 11])
    level = -delta / 2.0 if level is None else level
    sizes, weights = zip(*ARTICLE_SIZES.items())
    n_articles = articles_before + articles_after
    per = rng.choice(sizes, size=n_articles, p=np.array(weights) / sum(weights))
    days = np.cumsum(np.r_[0, rng.choice(ARTICLE_GAPS, size=n_articles - 1)])
    article = np.repeat(np.arange(n_articles), per)
    means = np.where(article < articles_before, level, level + delta)
    scores = means + rng.normal(0.0, article_noise, size=n_articles)[article] + rng.normal(0.0, noise, size=len(article))
    dates = [start + dt.timedelta(days=int(days[a])) for a in article]
    df = _frame(scores, dates, rng=rng, actor=actor, target=target, tag=f"clustered{seed}")
    df["article_id"] = [f"clustered{seed}-{target}-a{int(a):03d}" for a in article]
    df["source"] = [OUTLETS[int(a) % len(OUTLETS)] for a in article]
    return df, start + dt.timedelta(days=int(days[articles_before]))


# A small hand-written scenario in the shape of the Dec 2024 Syria case (wording is ours,
# not quoted from any article): Iran's labels for the armed opposition move from "terrorist
# groups" to "legal occupants"; Russia moves from calling a takeover inadmissible to talks.
_DEMO = (
    # date, source, speaker, actor, target, kind, text, score, confidence, mention
    ("2024-11-29", "Outlet A", "Iran's foreign minister", "Iran", "Syrian opposition", "designation",
     "terrorist groups", -0.9, 0.93, "terrorist groups"),
    ("2024-11-30", "Outlet B", "Iran's foreign minister", "Iran", "Syrian opposition", "direct",
     "Tehran will stand with Damascus against these \"terrorist groups\" until they are defeated.", -0.85, 0.9,
     "terrorist groups"),
    ("2024-11-30", "Outlet C", "Iran's foreign minister", "Iran", "Syrian opposition", "direct",
     "Tehran will stand with Damascus against these \"terrorist groups\" until they are defeated.", -0.8, 0.88,
     "terrorist groups"),
    ("2024-12-02", "Outlet A", "Iranian foreign ministry spokesman", "Iran", "Syrian opposition", "indirect",
     "the offensive was a plot by foreign-backed \"terrorists\" to destabilise the region", -0.75, 0.85,
     "terrorists"),
    ("2024-12-02", "Outlet B", "Iran's foreign minister", "Iran", "Assad government", "direct",
     "Iran firmly supports the legitimate government in Damascus.", 0.8, 0.9, "government in Damascus"),
    ("2024-12-08", "Outlet B", "Iran's foreign minister", "Iran", "Syrian opposition", "indirect",
     "the new authorities are the \"legal occupants\" now and Tehran will deal with them", 0.55, 0.8,
     "new authorities"),
    ("2024-12-09", "Outlet C", "Iranian foreign ministry spokesman", "Iran", "Syrian opposition", "direct",
     "We respect the choice of the Syrian people and hope for constructive ties with the \"lawful authorities\".",
     0.6, 0.82, "lawful authorities"),
    ("2024-12-10", "Outlet A", "Iran's foreign minister", "Iran", "Syrian opposition", "designation",
     "legal occupants", 0.5, 0.75, "legal occupants"),
    ("2024-12-10", "Outlet A", "Iran's foreign minister", "Iran", "Assad government", "indirect",
     "the former government had failed to heed calls for reform", -0.4, 0.7, "former government"),
    ("2024-11-30", "Outlet D", "Russia's foreign ministry spokeswoman", "Russia", "Syrian opposition", "direct",
     "Any seizure of power by the militants in Aleppo is inadmissible.", -0.85, 0.92, "militants"),
    ("2024-12-03", "Outlet A", "Russia's foreign minister", "Russia", "Syrian opposition", "indirect",
     "the \"terrorist\" attack on Aleppo had been planned from abroad", -0.8, 0.9, "terrorist"),
    ("2024-12-07", "Outlet B", "Russia's foreign minister", "Russia", "Syrian opposition", "direct",
     "It is inadmissible to allow a terrorist group to take over territory.", -0.9, 0.9, "terrorist group"),
    ("2024-12-09", "Outlet C", "Kremlin spokesman", "Russia", "Syrian opposition", "direct",
     "Moscow is in contact with the armed opposition about the security of our bases.", 0.2, 0.7,
     "armed opposition"),
    ("2024-12-12", "Outlet D", "Russia's deputy foreign minister", "Russia", "Syrian opposition", "indirect",
     "talks with the new leadership in Damascus on the Tartus base were going constructively", 0.45, 0.78,
     "new leadership"),
    ("2024-12-13", "Outlet A", "Russia's foreign minister", "Russia", "Syrian opposition", "direct",
     "We are discussing the future of our bases with the new authorities.", 0.35, 0.75, "new authorities"),
    ("2024-12-05", "Outlet C", "unnamed official", "", "Syrian opposition", "indirect",
     "the fighting around Hama would continue", 0.0, 0.6, "fighters"),
)


def make_demo_statements() -> pd.DataFrame:
    """A hand-written two-actor scenario with designations and one story carried by two outlets."""
    rows = []
    for i, (day, source, speaker, actor, target, kind, text, score, conf, mention) in enumerate(_DEMO):
        rows.append({
            "article_id": f"demo-{i:02d}", "date": dt.date.fromisoformat(day), "source": source,
            "speaker": speaker, "actor": actor, "target": target, "kind": kind,
            "cue": "called" if kind == "designation" else "said", "text": text, "start": 0, "end": len(text),
            "stance": label_for_score(score), "score": score, "confidence": conf,
            "url": f"https://example.org/demo/{i}", "title": f"Demo article {i}", "mention": mention,
            "inferred": False, "context": text,
        })
    return pd.DataFrame(rows)
