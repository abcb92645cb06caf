"""Stance shifts per (actor, target): change points an analyst can defend.

For each pair, the deduplicated statements (``timeline.dedupe_statements``) in date order form
a short, irregular series of scores x_i with weights w_i = confidence (normalised to mean 1), halved
(``inferred_weight``) where the target was inferred rather than named.

1. Segmentation. Minimise the sum of weighted L1 segment costs, sum w |x - segment median|
   (``cost="l1"``, the default: a misread statement is an outlier, not noise), or of L2
   costs, sum w (x - segment mean)^2, plus a penalty per change point: ruptures PELT
   (default) or Binseg with a weighted cost, or an exact dynamic programme
   (``method="exact"``). The penalty is BIC-style, ``penalty * sigma^2 * log(n)`` for L2 and
   ``penalty * sigma * log(n) / 2`` for L1 (scaled to L2's false-shift rate). For L2, plain
   BIC would use 2 (a change adds a location and a level); the default 3 follows the
   modified BIC, because BIC over-segments short noisy series (scripts/eval_shifts.py).
   sigma comes from first differences (a trimmed mean of squares, ``robust_sigma``), which
   a level shift barely moves, floored at ``min_sigma`` so tied scores do not make every
   wiggle a change. A change point never splits statements of one day (the exact
   method forbids it; ruptures segments days, whose summed costs equal their statements').

   Noise is shared. Every pair is scored by the same classifier, so the corpus says more
   about the noise than a four-statement series can: sigma is moderated towards the
   corpus-wide scale (median first difference over all pairs), the empirical-Bayes variance
   of limma's moderated t-test, with ``prior_df`` degrees of freedom for the corpus and the
   pair's own for the pair. With fewer than ``MIN_CORPUS_DIFFS`` differences in the corpus
   there is no usable prior and each pair stands alone.
2. Evidence. Each change point needs, between its neighbouring segments:
   - >= ``min_support`` statements from distinct articles on each side (two statements in
     one article share a sentence, a reporter and usually a score: one piece of evidence);
   - |delta| >= ``min_delta``, delta = weighted mean after - weighted mean before;
   - a percentile bootstrap interval on delta (statements resampled within each side)
     that excludes 0;
   - |delta| >= t * s * sqrt(1/n_before + 1/n_after), each side's n its effective number of
     statements capped at its number of articles (an interview of a dozen statements, read in
     one tone, is one article of evidence, not twelve): with a corpus prior, s is the
     two segments' pooled spread moderated towards the corpus sigma and t a Student quantile
     on their joint degrees of freedom; without one, s is the larger of the robust sigma and
     the pooled spread and t the normal quantile (a bootstrap of 2-3 points alone is far too
     narrow, and the robust sigma alone is noisy on short series).
   The failing change point that saves the least cost is dropped and the rest re-tested
   (its neighbours merge) until all pass.

3. Emerging shifts (``status="emerging"``). On sparse coverage the first statement of a new
   line can stand alone for months, and step 2's support rule keeps it silent. So a tail of
   a pair's statements since its last confirmed shift, starting on a day boundary, is
   tested against the prior before it (the statements since that shift, at least
   ``emerging_min_prior`` of them; settled: its spread enters the test), if step 2 cannot
   speak on it: its new side rests on fewer than ``min_support`` articles or on one day, or
   its old side does (a single designation years before a first meeting). A tail whose new
   side has grown past that without passing step 2 (a second report half way back, which the
   segmentation does not split off; a confirmed rule set stricter than the change) is tested
   too if its first day passed step 3 on its own: a turn stays emerging while evidence
   accumulates on its new side, until step 2 confirms it, and a run of statements that no
   single report announced is left to step 2. Of the tails that pass, the one whose |delta|
   clears its half-width by the largest factor is reported.
   - |delta| >= ``emerging_min_delta`` (twice ``min_delta``: a large change, not drift);
   - every new-side statement lies beyond the prior's mean in the direction of the change
     (one agreeing and one reverting statement are no new line), with mean confidence at
     least ``emerging_min_confidence``;
   - |delta| >= t * s * sqrt(1/n_before + 1/n_after), as in step 2 but at the stricter
     ``emerging_level`` (0.99), and with each side's size its effective number of statements
     capped at its number of articles (statements of one article are one piece of evidence):
     with one article after, this is a prediction interval for a single new report under the
     prior's noise. A designation or an explicit
     reversal ("no longer consider", "a new page") on the new side is evidence of a turn in
     itself and is tested at ``emerging_marked_level`` (0.95) instead.
   Calibrated on synthetic sparse series (``scripts/eval_shifts.py --sparse``). An emerging
   shift is dated at its first new-side statement and carries a ``note`` saying what it rests
   on and what would confirm it; a later run confirms it (the new side passes step 2), keeps
   it emerging under the same date while new-side articles fall short of step 2 (the note
   counts them), or drops it (the next statements return to the prior), which a monitoring
   run reports as withdrawn.

``Shift.date`` is ``first_after``: the date of the first statement of the new regime, the
earliest day the new stance is on record. The change itself happened after ``last_before``
and on or before ``first_after``.
"""
from __future__ import annotations

import dataclasses
import logging
import math
import re
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from .records import Quote, Shift, format_score
from .timeline import MIN_WEIGHT, dedupe_statements

log = logging.getLogger(__name__)

METHODS = ("pelt", "binseg", "exact")
COSTS = ("l1", "l2")
SHIFT_COLUMNS = ("actor", "target", "date", "direction", "before", "after", "delta", "before_quote",
                 "after_quote", "n_before", "n_after", "delta_low", "delta_high", "last_before", "first_after",
                 "before_source", "before_date", "before_speaker", "before_url", "after_source", "after_date",
                 "after_speaker", "after_url", "status", "note")


@dataclass(frozen=True)
class ShiftConfig:
    min_support: int = 2  # statements from distinct articles required on each side of a change point
    penalty: float = 3.0  # penalty * sigma^2 * log(n) per change point (3: MBIC-like; 2: plain BIC)
    # Smallest |after - before| reported, on the [-1, 1] score scale. 0.25 rather than 0.5:
    # the classifier's P(favor) - P(against) is compressed on real news (the Dec 2024 Iran and
    # Russia turns measure about +0.3 on the example corpus); the statistical rules, not this
    # threshold, are what keep flat series flat (scripts/eval_shifts.py).
    min_delta: float = 0.25
    method: str = "pelt"
    # Segment cost: "l1" (weighted median; robust to a misread statement) or "l2" (weighted mean).
    # The tests of each change point use means either way.
    cost: str = "l1"
    n_boot: int = 1000
    level: float = 0.95  # bootstrap interval level; the interval must exclude 0
    seed: int = 0
    min_sigma: float = 0.05
    quotes_per_side: int = 2
    window_days: int = 3  # cross-outlet dedup window, as in timeline.dedupe_statements
    # Weight of the corpus-wide noise scale, in degrees of freedom (0: every pair on its own).
    # scripts/eval_shifts.py --seeds 200: 12 lifts recall at noise 0.25 from 0.47 to 0.71 (2+2) and
    # from 0.71 to 0.89 (3+3), with false shifts still <= 0.07 per series.
    prior_df: float = 12.0
    # Emerging shifts (module docstring, step 3); scripts/eval_shifts.py --sparse calibrates them.
    # --seeds 300, turns of 1, noise 0.25, 3 or 6 statements before: level 0.99 gives 0.3 false
    # emerging alarms per 100 stable series and finds 0.77/0.84 of turns (either status); 0.98
    # finds 0.86/0.87 for 1.3/2.7 false alarms, 0.97 0.90/0.89 for 3.3/2.7 (over the goal of 2). A normal
    # quantile in place of Student's t (the corpus scale taken as known) sits on the same curve: 200 seeds,
    # level 0.99, 0.88/0.86 for 3.0/2.5 false alarms, and 0.98 0.91/0.90 for 5.5/2.5.
    emerging: bool = True
    emerging_min_delta: float = 0.5
    emerging_level: float = 0.99  # two-sided level of the size test for a new side of plain statements
    emerging_marked_level: float = 0.95  # ... when it holds a designation or an explicit reversal
    emerging_min_prior: int = 3  # statements in the prior (the old side) before an emerging shift
    emerging_min_confidence: float = 0.5  # mean classifier confidence of the new side
    # Weight of a statement whose target was inferred (the counterpart of words that name nobody, "these
    # groups"), relative to one that names its target: the target is the extractor's guess, and on real
    # news such statements are read right less often (0.71 against 0.82). 1 treats them alike.
    inferred_weight: float = 0.5

    def __post_init__(self) -> None:
        if self.min_support < 1:
            raise ValueError(f"ShiftConfig.min_support must be >= 1, got {self.min_support}")
        if not self.penalty > 0:
            raise ValueError(f"ShiftConfig.penalty must be > 0 (BIC-style factor, e.g. 3.0), got {self.penalty}")
        if not 0 <= self.min_delta <= 2:
            raise ValueError(f"ShiftConfig.min_delta must be in [0, 2] (scores are in [-1, 1]), got {self.min_delta}")
        if self.method not in METHODS:
            raise ValueError(f"ShiftConfig.method must be one of {METHODS}, got {self.method!r}")
        if self.cost not in COSTS:
            raise ValueError(f"ShiftConfig.cost must be one of {COSTS}, got {self.cost!r}")
        if self.n_boot < 100:
            raise ValueError(f"ShiftConfig.n_boot must be >= 100 for a usable interval, got {self.n_boot}")
        if not 0 < self.level < 1:
            raise ValueError(f"ShiftConfig.level must be in (0, 1), got {self.level}")
        if not self.min_sigma > 0:
            raise ValueError(f"ShiftConfig.min_sigma must be > 0, got {self.min_sigma}")
        if self.quotes_per_side < 1:
            raise ValueError(f"ShiftConfig.quotes_per_side must be >= 1, got {self.quotes_per_side}")
        if self.window_days < 0:
            raise ValueError(f"ShiftConfig.window_days must be >= 0, got {self.window_days}")
        if not self.prior_df >= 0:
            raise ValueError(f"ShiftConfig.prior_df must be >= 0 (0 turns the corpus prior off), got {self.prior_df}")
        if not 0 <= self.emerging_min_delta <= 2:
            raise ValueError(f"ShiftConfig.emerging_min_delta must be in [0, 2], got {self.emerging_min_delta}")
        for name in ("emerging_level", "emerging_marked_level"):
            if not 0 < getattr(self, name) < 1:
                raise ValueError(f"ShiftConfig.{name} must be in (0, 1), e.g. 0.99, got {getattr(self, name)}")
        if self.emerging_min_prior < 2:
            raise ValueError(f"ShiftConfig.emerging_min_prior must be >= 2 (a prior needs a spread), "
                             f"got {self.emerging_min_prior}")
        if not 0 < self.inferred_weight <= 1:
            raise ValueError(f"ShiftConfig.inferred_weight must be in (0, 1] (1: inferred targets count fully), "
                             f"got {self.inferred_weight}")
        if not 0 <= self.emerging_min_confidence <= 1:
            raise ValueError(f"ShiftConfig.emerging_min_confidence must be in [0, 1], "
                             f"got {self.emerging_min_confidence}")


class _WeightedL2:
    """Weighted L2 segment costs, O(1) from prefix sums."""

    def __init__(self, x: np.ndarray, w: np.ndarray) -> None:
        self.cw = np.r_[0.0, np.cumsum(w)]
        self.cwx = np.r_[0.0, np.cumsum(w * x)]
        self.cwx2 = np.r_[0.0, np.cumsum(w * x * x)]

    def error(self, start: int, end: int) -> float:
        sw = self.cw[end] - self.cw[start]
        if sw <= 0:
            return 0.0
        swx = self.cwx[end] - self.cwx[start]
        return max(float(self.cwx2[end] - self.cwx2[start] - swx * swx / sw), 0.0)


class _WeightedL1:
    """Weighted L1 segment costs: sum of w * |x - weighted median|.

    A misread statement (the classifier flips about one in five) is an outlier of size ~1 on
    the score scale. Under L2 one such point can pull a change point days away from the real
    turn; the median ignores it.
    """

    def __init__(self, x: np.ndarray, w: np.ndarray) -> None:
        self.x, self.w = x, w

    def error(self, start: int, end: int) -> float:
        x, w = self.x[start:end], self.w[start:end]
        if len(x) == 0:
            return 0.0
        order = np.argsort(x, kind="stable")
        cum = np.cumsum(w[order])
        median = x[order][np.searchsorted(cum, cum[-1] / 2.0)]
        return float(np.sum(w * np.abs(x - median)))


def _segment_cost(x: np.ndarray, w: np.ndarray, cost: str):
    return _WeightedL1(x, w) if cost == "l1" else _WeightedL2(x, w)


def _ruptures_day_cost(statement_cost, day_starts: np.ndarray, n: int):
    """A ruptures cost over days: days a..b cost what their statements cost, so a break can
    only fall between days (ruptures cannot forbid one inside a day by itself)."""
    from ruptures.base import BaseCost

    bounds = np.r_[day_starts, n]

    class CostOverDays(BaseCost):
        model = "statements_by_day"
        min_size = 1

        def fit(self, signal):
            self.signal = signal  # ruptures reads the length from here
            return self

        def error(self, start, end):
            return statement_cost.error(int(bounds[start]), int(bounds[end]))

    return CostOverDays()


TRIM = 0.1  # share of the largest first differences left out of the noise estimate


MIN_CORPUS_DIFFS = 20  # fewer first differences than this in the whole corpus: no noise prior


def robust_sigma(x: np.ndarray, *, floor: float) -> float:
    """Noise scale from first differences, with the largest 10% (at least one) left out.

    A level shift inflates one difference only, which the trimming removes; the rest is a
    trimmed mean of squares, rescaled to be unbiased for Gaussian noise. It varies about a
    quarter less than the median absolute difference, which matters because an
    underestimate here is what turns noise into "shifts".
    """
    diffs = np.sort(np.abs(np.diff(np.asarray(x, float))))
    m = len(diffs)
    if m == 0:
        return floor
    k = max(1, math.ceil(TRIM * m)) if m >= 3 else 0
    keep = diffs[: m - k]
    if k:
        p = k / m
        q = NormalDist().inv_cdf(1.0 - p / 2.0)
        # E[Z^2 | |Z| < q] for standard normal Z: undoes the shrinkage from trimming.
        scale = 1.0 - 2.0 * q * NormalDist().pdf(q) / (1.0 - p)
    else:
        scale = 1.0
    return max(math.sqrt(float(np.mean(keep ** 2)) / 2.0 / scale), floor)


@dataclass(frozen=True)
class NoisePrior:
    """The corpus-wide noise scale and its weight in degrees of freedom (``df`` 0: no prior)."""

    sigma: float
    df: float

    def moderate(self, sigma: float, df: float) -> float:
        """Pool a pair's own estimate (``df`` degrees of freedom) with the corpus scale."""
        if self.df <= 0 or df + self.df <= 0:
            return sigma
        return math.sqrt((df * sigma ** 2 + self.df * self.sigma ** 2) / (df + self.df))


NO_PRIOR = NoisePrior(sigma=0.0, df=0.0)


def corpus_noise_prior(series: list[np.ndarray], *, config: "ShiftConfig",
                       breaks: list[list[int]] | None = None) -> NoisePrior:
    """Noise prior from the first differences within every series, pooled.

    ``breaks`` (per series, as from a first pass of change points) leaves out the
    differences across them, which measure shifts rather than noise.
    """
    diffs = []
    for i, x in enumerate(series):
        d = np.diff(x)
        if breaks is not None and breaks[i]:
            d = np.delete(d, [b - 1 for b in breaks[i]])
        diffs.append(d)
    diffs = np.concatenate(diffs) if diffs else np.zeros(0)
    if config.prior_df == 0 or len(diffs) < MIN_CORPUS_DIFFS:
        return NO_PRIOR
    # The median, not the trimmed mean: in a corpus of short series a real shift is one
    # difference in three, far more than trimming 10% removes. With hundreds of differences
    # the median's larger variance no longer matters. |d| of N(0, 2 sigma^2) noise has median
    # 0.6745 * sqrt(2) * sigma.
    sigma = float(np.median(np.abs(diffs))) / (NormalDist().inv_cdf(0.75) * math.sqrt(2.0))
    return NoisePrior(sigma=max(sigma, config.min_sigma), df=config.prior_df)


def _exact_breaks(cost, n: int, *, pen: float, min_size: int, allowed: np.ndarray) -> list[int]:
    # Optimal partitioning (what PELT computes, without pruning): O(n^2), fine for a few hundred points.
    best = np.full(n + 1, np.inf)
    best[0] = -pen
    prev = np.zeros(n + 1, dtype=int)
    for end in range(min_size, n + 1):
        if end < n and not allowed[end]:
            continue
        for start in range(0, end - min_size + 1):
            if not np.isfinite(best[start]):
                continue
            value = best[start] + cost.error(start, end) + pen
            if value < best[end]:
                best[end], prev[end] = value, start
    bkps, end = [], n
    while end > 0:
        end = prev[end]
        if end > 0:
            bkps.append(end)
    return sorted(bkps)


def _penalty(sigma: float, n: int, config: ShiftConfig) -> float:
    # BIC-style in the cost's units. L2: Gaussian -log L is sum r^2 / (2 sigma^2), so 2 is plain
    # BIC. L1: sum |r| grows more slowly than sum r^2 / sigma, so the same factor is scaled to
    # give L1 the false-shift rate of L2 on flat Gaussian series (scripts/eval_shifts.py).
    if config.cost == "l1":
        return config.penalty * sigma * math.log(n) / 2.0
    return config.penalty * sigma ** 2 * math.log(n)


def _candidate_breaks(x: np.ndarray, w: np.ndarray, allowed: np.ndarray, config: ShiftConfig,
                      prior: NoisePrior) -> list[int]:
    n = len(x)
    sigma = prior.moderate(robust_sigma(x, floor=config.min_sigma), df=(n - 1) / 2.0)
    pen = _penalty(sigma, n, config)
    cost = _segment_cost(x, w, config.cost)
    if config.method == "exact":
        return _exact_breaks(cost, n, pen=pen, min_size=config.min_support, allowed=allowed)
    import ruptures as rpt

    day_starts = np.flatnonzero(np.r_[True, allowed[1:]])
    m = len(day_starts)
    if m < 2:
        return []
    algo_cls = rpt.Pelt if config.method == "pelt" else rpt.Binseg
    # min_size of one day: support (distinct articles on each side) is the tests' job
    algo = algo_cls(custom_cost=_ruptures_day_cost(cost, day_starts, n), min_size=1, jump=1)
    try:
        day_bkps = algo.fit(np.zeros((m, 1))).predict(pen=pen)
    except rpt.exceptions.BadSegmentationParameters as err:
        log.debug("ruptures found no admissible segmentation (n=%d): %s", n, err)
        return []
    return [int(day_starts[b]) for b in day_bkps if 0 < b < m]


def _weighted_mean(x: np.ndarray, w: np.ndarray) -> float:
    return float(np.sum(w * x) / np.sum(w))


def bootstrap_delta(xb: np.ndarray, wb: np.ndarray, xa: np.ndarray, wa: np.ndarray, *, n_boot: int,
                    level: float, rng: np.random.Generator) -> tuple[float, float]:
    """Percentile interval on weighted mean(after) - mean(before), resampling within each side."""
    def boot(x: np.ndarray, w: np.ndarray) -> np.ndarray:
        idx = rng.integers(0, len(x), size=(n_boot, len(x)))
        return np.sum(w[idx] * x[idx], axis=1) / np.sum(w[idx], axis=1)

    deltas = boot(xa, wa) - boot(xb, wb)
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(deltas, [alpha, 1.0 - alpha])
    return float(low), float(high)


@dataclass(frozen=True)
class _Test:
    index: int
    delta: float
    low: float
    high: float
    ok: bool
    gain: float  # cost saved by this break over merging its two segments


def _n_eff(w: np.ndarray) -> float:
    return float(np.sum(w) ** 2 / np.sum(w ** 2))


def _n_evidence(w: np.ndarray, articles: np.ndarray) -> float:
    """A side's size in a test: its effective number of statements, but no more than its articles (statements
    of one article share a reporter, a sentence and usually a score: one piece of evidence)."""
    return min(_n_eff(w), len(set(articles)))


def _wss(x: np.ndarray, w: np.ndarray) -> float:
    return float(np.sum(w * (x - _weighted_mean(x, w)) ** 2))


def _test_breaks(x: np.ndarray, w: np.ndarray, articles: np.ndarray, bkps: list[int], config: ShiftConfig,
                 rng: np.random.Generator, prior: NoisePrior) -> list[_Test]:
    sigma = robust_sigma(x, floor=config.min_sigma)
    z = NormalDist().inv_cdf(0.5 + config.level / 2.0)
    edges = [0, *bkps, len(x)]
    cost = _segment_cost(x, w, config.cost)
    tests = []
    for j, b in enumerate(bkps):
        lo, hi = edges[j], edges[j + 2]
        xb, wb, xa, wa = x[lo:b], w[lo:b], x[b:hi], w[b:hi]
        delta = _weighted_mean(xa, wa) - _weighted_mean(xb, wb)
        low, high = bootstrap_delta(xb, wb, xa, wa, n_boot=config.n_boot, level=config.level, rng=rng)
        df = len(xb) + len(xa) - 2
        pooled = math.sqrt((_wss(xb, wb) + _wss(xa, wa)) / max(df, 1))
        if prior.df > 0:
            s = max(prior.moderate(pooled, df=df), config.min_sigma)
            crit = _t_quantile(0.5 + config.level / 2.0, df + prior.df)
        else:
            # A bootstrap of two or three points underestimates spread, so the delta must also
            # clear a normal interval built from the series-wide robust noise scale; the two
            # segments' own pooled spread guards against an underestimate of that.
            s, crit = max(sigma, pooled), z
        se = s * math.sqrt(1.0 / _n_evidence(wb, articles[lo:b]) + 1.0 / _n_evidence(wa, articles[b:hi]))
        ok_size = abs(delta) >= crit * se
        support = min(len(set(articles[lo:b])), len(set(articles[b:hi])))
        ok = (support >= config.min_support
              and abs(delta) >= config.min_delta and (low > 0 or high < 0) and ok_size)
        gain = cost.error(lo, hi) - cost.error(lo, b) - cost.error(b, hi)
        tests.append(_Test(b, delta, low, high, ok, gain))
    return tests


def _t_quantile(p: float, df: float) -> float:
    from scipy.stats import t

    return float(t.ppf(p, df))


def _pick_quotes(side: pd.DataFrame, mean: float, other: float, k: int) -> tuple[Quote, ...]:
    """Evidence for one side: typical of it, clearly on it, confident, from distinct outlets.

    Ranked by closeness to a point half a delta beyond the side's mean, away from the other
    side (on noisy, compressed scores the statement nearest the mean itself is often a
    neutral aside that shows nothing), plus a penalty for low confidence; then one quote per
    outlet before any outlet repeats.
    """
    aim = mean + (mean - other) / 2.0
    ranked = side.assign(_rank=(side["score"] - aim).abs() + 0.5 * (1.0 - side["confidence"]))
    ranked = ranked.sort_values(["_rank", "date"], kind="stable")
    chosen: list[int] = []
    used: set[str] = set()
    for pos, (_, row) in enumerate(ranked.iterrows()):
        if len(chosen) >= k:
            break
        if row["source"] not in used:
            chosen.append(pos)
            used.add(row["source"])
    for pos in range(len(ranked)):
        if len(chosen) >= k:
            break
        if pos not in chosen:
            chosen.append(pos)
    quotes = []
    for pos in sorted(chosen, key=lambda p: (ranked.iloc[p]["_rank"])):
        row = ranked.iloc[pos]
        # A designation's text is the bare label ("terrorists"); its sentence says who called whom that.
        text = row["context"] if row["kind"] == "designation" and row.get("context") else row["text"]
        quotes.append(Quote(text=str(text), date=row["date"], source=str(row["source"]),
                            article_id=str(row["article_id"]), speaker=str(row["speaker"]),
                            score=float(row["score"]), url=str(row.get("url", "") or "")))
    return tuple(quotes)


def _series_arrays(series: pd.DataFrame, config: ShiftConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores, normalised weights (confidence, less for an inferred target), and where a break may fall
    (never inside one day)."""
    x = series["score"].to_numpy(float)
    w = np.maximum(series["confidence"].to_numpy(float), MIN_WEIGHT)
    w = w * np.where(series["inferred"].to_numpy(bool), config.inferred_weight, 1.0)  # normalised: always there
    ordinals = np.array([d.toordinal() for d in series["date"]])
    allowed = np.r_[False, ordinals[1:] != ordinals[:-1]]  # allowed[i]: a break may fall before i
    return x, w / w.mean(), allowed


def _pair_candidates(series: pd.DataFrame, config: ShiftConfig, prior: NoisePrior) -> list[int]:
    if len(series) < 2 * config.min_support:
        return []
    x, w, allowed = _series_arrays(series, config)
    return _candidate_breaks(x, w, allowed, config, prior)


def detect_pair_shifts(series: pd.DataFrame, *, config: ShiftConfig, rng: np.random.Generator,
                       prior: NoisePrior = NO_PRIOR) -> list[Shift]:
    """Shifts in one (actor, target) series of deduplicated statements, dated and in date order:
    the confirmed ones, then at most one emerging shift at the series' end.

    ``prior``: the corpus-wide noise scale (:func:`corpus_noise_prior`); without it the pair stands alone.
    """
    n = len(series)
    if n < 2:
        return []
    x, w, allowed = _series_arrays(series, config)
    articles = series["article_id"].astype(str).to_numpy()
    bkps = _candidate_breaks(x, w, allowed, config, prior) if n >= 2 * config.min_support else []
    tests: list[_Test] = []
    while bkps:
        tests = _test_breaks(x, w, articles, bkps, config, rng, prior)
        failing = [t for t in tests if not t.ok]
        if not failing:
            break
        # Drop the failing break that explains least: a spurious break beside the real one
        # shrinks the real one's segments and can make it fail too, but it saves little cost.
        weakest = min(failing, key=lambda t: t.gain)
        bkps = [b for b in bkps if b != weakest.index]
    edges = [0, *bkps, n]
    shifts = []
    for j, test in enumerate(tests if bkps else []):
        lo, b, hi = edges[j], test.index, edges[j + 2]
        shifts.append(_make_shift(series, x, w, lo, b, hi, delta=test.delta, low=test.low, high=test.high,
                                  config=config))
    if config.emerging:
        emerging = _emerging_shift(series, x, w, allowed, articles, lo=edges[-2], config=config, prior=prior)
        if emerging is not None:
            shifts.append(emerging)
    return shifts


def _make_shift(series: pd.DataFrame, x: np.ndarray, w: np.ndarray, lo: int, b: int, hi: int, *, delta: float,
                low: float, high: float, config: ShiftConfig, status: str = "confirmed", note: str = "") -> Shift:
    before, after = series.iloc[lo:b], series.iloc[b:hi]
    mb, ma = _weighted_mean(x[lo:b], w[lo:b]), _weighted_mean(x[b:hi], w[b:hi])
    return Shift(
        actor=str(series["actor"].iloc[0]), target=str(series["target"].iloc[0]), date=after["date"].iloc[0],
        direction="up" if delta > 0 else "down", before=mb, after=ma, delta=delta, n_before=len(before),
        n_after=len(after), last_before=before["date"].iloc[-1], first_after=after["date"].iloc[0],
        delta_low=low, delta_high=high, before_quotes=_pick_quotes(before, mb, ma, config.quotes_per_side),
        after_quotes=_pick_quotes(after, ma, mb, config.quotes_per_side), status=status, note=note)


def _emerging_note(shift: Shift, n_before: int, n_after: int, one_day: bool, config: ShiftConfig) -> str:
    """What the emerging shift rests on, and what would confirm or withdraw it."""
    need_after, need_before = config.min_support - n_after, config.min_support - n_before
    if need_after > 0:
        rests = f"the new side rests on {n_after} article{'s' if n_after > 1 else ''} ({shift.first_after})"
        more = f"{need_after} more article{'s' if need_after > 1 else ''}"
        confirm = f"statements from {more} hold near {format_score(shift.after)}"
    elif need_before > 0:
        rests = f"the old side rests on {n_before} article{'s' if n_before > 1 else ''} (until {shift.last_before})"
        confirm = f"the new line near {format_score(shift.after)} holds and earlier reports of the old line are found"
    elif one_day:
        rests = f"the new side rests on one day ({shift.first_after})"
        confirm = f"statements on another day hold near {format_score(shift.after)}"
    else:
        rests = (f"the new side rests on {n_after} articles (from {shift.first_after}), which do not pass the "
                 f"confirmed test yet")
        confirm = f"further statements hold near {format_score(shift.after)}"
    return (f"emerging: {rests}; confirmed when {confirm}, withdrawn if the next statements return to about "
            f"{format_score(shift.before)}")


# An explicit reversal in the words themselves: the speaker says the old line is over. Matched
# case-insensitively in the statement and its sentence; a heuristic, so it only relaxes the
# emerging test's level (emerging_marked_level), never replaces it.
EXPLICIT_REVERSAL = re.compile(
    r"\b(?:no longer (?:consider|regard|see|view|treat|recogni[sz]e|support|oppose)s?"
    r"|(?:a |the )?new (?:page|chapter|start|beginning|era)|turn(?:s|ed|ing)? the page|fresh start"
    r"|clean slate|(?:restore|normali[sz]e|resume|re-?establish)[sd]? (?:full )?(?:ties|relations)"
    r"|(?:sever|suspend|break|cut)(?:s|ed|ing)? (?:off )?(?:all )?(?:ties|relations)|broke off (?:ties|relations))\b",
    re.IGNORECASE)


def _is_marked(side: pd.DataFrame) -> bool:
    """A designation, or an explicit reversal in a statement or its sentence."""
    if (side["kind"] == "designation").any():
        return True
    texts = list(side["text"]) + (list(side["context"]) if "context" in side.columns else [])
    return any(EXPLICIT_REVERSAL.search(str(t or "")) for t in texts)


def _emerging_test(series: pd.DataFrame, x: np.ndarray, w: np.ndarray, articles: np.ndarray, lo: int, b: int,
                   end: int, *, config: ShiftConfig, prior: NoisePrior) -> tuple[float, float] | None:
    """Step 3's tests of the statements ``b:end`` against the prior ``lo:b``: (delta, half-width), or None."""
    xb, wb, xa, wa = x[lo:b], w[lo:b], x[b:end], w[b:end]
    if len(xb) < config.emerging_min_prior:
        return None
    mb = _weighted_mean(xb, wb)
    delta = _weighted_mean(xa, wa) - mb
    if abs(delta) < config.emerging_min_delta or not np.all((xa - mb) * np.sign(delta) > 0):
        return None
    after = series.iloc[b:end]
    if float(after["confidence"].mean()) < config.emerging_min_confidence:
        return None
    df = len(xb) + len(xa) - 2
    pooled = math.sqrt((_wss(xb, wb) + _wss(xa, wa)) / max(df, 1))
    level = config.emerging_marked_level if _is_marked(after) else config.emerging_level
    if prior.df > 0:
        s = max(prior.moderate(pooled, df=df), config.min_sigma)
        crit = _t_quantile(0.5 + level / 2.0, df + prior.df)
    else:
        s = max(robust_sigma(x[lo:end], floor=config.min_sigma), pooled)
        crit = NormalDist().inv_cdf(0.5 + level / 2.0)
    # one article after: a prediction interval
    half = crit * s * math.sqrt(1.0 / _n_evidence(wb, articles[lo:b]) + 1.0 / _n_evidence(wa, articles[b:end]))
    return (delta, half) if abs(delta) >= half else None


def _emerging_shift(series: pd.DataFrame, x: np.ndarray, w: np.ndarray, allowed: np.ndarray, articles: np.ndarray,
                    *, lo: int, config: ShiftConfig, prior: NoisePrior) -> Shift | None:
    """The tail of ``series`` past ``lo`` (the last confirmed break) that passes step 3 most clearly.

    Candidate tails start on a day boundary. A tail where one side rests on fewer than
    ``min_support`` articles (or the new side on one day) is one step 2 cannot speak on. A tail
    whose new side has grown past that is a candidate only if its first day alone passes step 3
    (so it was emerging when that day was the newest): evidence accumulating on the new side
    keeps the shift emerging, while a run of statements that no thin tail announced stays step 2's.
    Of the tails that pass, the one whose |delta| clears its half-width by the largest factor is
    reported, not the earliest: a grown tail can start inside the prior, at a report that leaned
    the new way.
    """
    n = len(x)
    day_starts = [int(i) for i in np.flatnonzero(allowed) if i > lo]
    best: tuple[float, int, float, float] | None = None  # (|delta| / half, break, delta, half)
    for j, b in enumerate(day_starts):
        thin_after = b == day_starts[-1] or len(set(articles[b:])) < config.min_support
        thin_before = len(set(articles[lo:b])) < config.min_support
        if not (thin_after or thin_before) and _emerging_test(series, x, w, articles, lo, b, day_starts[j + 1],
                                                              config=config, prior=prior) is None:
            continue
        test = _emerging_test(series, x, w, articles, lo, b, n, config=config, prior=prior)
        if test is not None and (best is None or abs(test[0]) / test[1] > best[0]):
            best = (abs(test[0]) / test[1], b, *test)
    if best is None:
        return None
    _, b, delta, half = best
    shift = _make_shift(series, x, w, lo, b, n, delta=delta, low=delta - half, high=delta + half,
                        config=config, status="emerging", note="")
    one_day = not allowed[b + 1:].any()
    return dataclasses.replace(shift, note=_emerging_note(shift, len(set(articles[lo:b])), len(set(articles[b:])),
                                                          one_day, config))


def detect_shifts(df: pd.DataFrame, *, config: ShiftConfig = ShiftConfig()) -> list[Shift]:
    """All defensible shifts, per (actor, target), sorted by actor, target and date.

    ``df`` is the statements frame; it is deduplicated across outlets first. Statements
    without actor, target or date are ignored.
    """
    stmts = dedupe_statements(df, window_days=config.window_days)
    if stmts.empty:
        return []
    stmts = stmts[(stmts["actor"] != "") & (stmts["target"] != "") & stmts["date"].notna()]
    rng = np.random.default_rng(config.seed)
    pairs = []
    for (_, _), pair in stmts.groupby(["actor", "target"], sort=True):
        pair = pair.assign(_ord=[d.toordinal() for d in pair["date"]])
        pairs.append(pair.sort_values("_ord", kind="stable").reset_index(drop=True))
    scores = [p["score"].to_numpy(float) for p in pairs]
    prior = corpus_noise_prior(scores, config=config)
    if prior.df:
        # Second pass: a jump at a shift is not noise; leave out the differences across candidate breaks.
        prior = corpus_noise_prior(scores, config=config, breaks=[_pair_candidates(p, config, prior) for p in pairs])
    if prior.df:
        log.debug("corpus noise prior: sigma %.3f from %d pairs", prior.sigma, len(pairs))
    shifts: list[Shift] = []
    for pair in pairs:
        found = detect_pair_shifts(pair, config=config, rng=rng, prior=prior)
        log.debug("%s -> %s: %d statements, %d shifts", pair["actor"].iloc[0], pair["target"].iloc[0],
                  len(pair), len(found))
        shifts.extend(found)
    return shifts


def _quote_cols(prefix: str, quotes: tuple[Quote, ...]) -> dict[str, object]:
    q = quotes[0] if quotes else None
    return {f"{prefix}_quote": q.text if q else "", f"{prefix}_source": q.source if q else "",
            f"{prefix}_date": q.date if q else None, f"{prefix}_speaker": q.speaker if q else "",
            f"{prefix}_url": q.url if q else ""}


def shifts_to_frame(shifts: list[Shift]) -> pd.DataFrame:
    """One row per shift (columns ``SHIFT_COLUMNS``; the quote columns show the top quote per side)."""
    rows = []
    for s in shifts:
        row = {"actor": s.actor, "target": s.target, "date": s.date, "direction": s.direction,
               "before": s.before, "after": s.after, "delta": s.delta, "n_before": s.n_before,
               "n_after": s.n_after, "delta_low": s.delta_low, "delta_high": s.delta_high,
               "last_before": s.last_before, "first_after": s.first_after, "status": s.status, "note": s.note}
        row.update(_quote_cols("before", s.before_quotes))
        row.update(_quote_cols("after", s.after_quotes))
        rows.append(row)
    return pd.DataFrame(rows, columns=list(SHIFT_COLUMNS))

