"""Charts: per-actor stance timelines and actor x target heatmaps.

matplotlib's object API only (``matplotlib.figure.Figure``; ``savefig`` to PNG renders with
Agg whatever the configured backend): no pyplot, so nothing touches global state and charts
can be drawn from worker threads.
Colours are Okabe-Ito (distinguishable with the common colour-vision deficiencies), and each
target also gets its own marker so the chart survives greyscale printing.
"""
from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from .records import Shift
from .timeline import aggregate, dedupe_statements

log = logging.getLogger(__name__)

# Okabe & Ito (2008), yellow last: it is faint on white.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
STANCE_CMAP = "RdBu"  # diverging red (against) - white - blue (favor), safe for red-green deficiency
QUOTE_CHARS = 60


def plain(text: object) -> str:
    """``text`` as matplotlib draws it literally: a ``$`` would otherwise start mathtext, which
    garbles names and quotes and raises on some ("$5bn and $3bn" parses; "$\\frac$" does not)."""
    return str(text).replace("$", r"\$")


def truncate(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _as_datetime(days: Iterable[dt.date]) -> list[dt.datetime]:
    return [dt.datetime.combine(d, dt.time()) for d in days]


def _style_stance_axis(ax) -> None:
    ax.set_ylim(-1.1, 1.1)
    ax.set_yticks([-1.0, -0.5, 0.0, 0.5, 1.0])
    ax.set_yticklabels(["against −1", "−0.5", "neutral 0", "+0.5", "favor +1"])
    ax.axhline(0.0, color="#999999", linewidth=0.8, zorder=0)
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def timeline_figure(df: pd.DataFrame, actor: str, *, shifts: Sequence[Shift] = (), period: str = "auto",
                    title: str | None = None, width: float = 11.0, height: float = 5.5,
                    max_targets: int = 5) -> Figure:
    """One actor's stance toward each target over time.

    Points are deduplicated statements (size grows with confidence), the line is the
    confidence-weighted period mean with its band (broken across empty periods, never
    interpolated), and dashed verticals mark detected shifts with a truncated quote from the
    new regime. Only the ``max_targets`` most discussed targets are drawn (targets with a
    shift always are); the title says how many were left out.
    """
    stmts = dedupe_statements(df)
    stmts = stmts[(stmts["actor"] == actor) & (stmts["target"] != "") & stmts["date"].notna()]
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    _style_stance_axis(ax)
    if stmts.empty:
        ax.text(0.5, 0.5, f"No dated statements by {plain(actor)}", ha="center", va="center", transform=ax.transAxes)
        ax.set_title(plain(title or f"{actor}: stance over time"))
        return fig
    agg = aggregate(stmts, period=period, complete=True, deduped=True)
    kind = agg.attrs.get("period", period)
    counts = stmts["target"].value_counts()
    shifted = {s.target for s in shifts if s.actor == actor}
    ranked = sorted(counts.index, key=lambda t: (t not in shifted, -counts[t], t))
    targets = sorted(ranked[:max(max_targets, len(shifted))])
    left_out = len(ranked) - len(targets)
    stmts = stmts[stmts["target"].isin(targets)]
    colour = {t: OKABE_ITO[i % len(OKABE_ITO)] for i, t in enumerate(targets)}
    marker = {t: MARKERS[i % len(MARKERS)] for i, t in enumerate(targets)}
    for target in targets:
        pts = stmts[stmts["target"] == target]
        ax.scatter(_as_datetime(pts["date"]), pts["score"], s=18 + 50 * pts["confidence"].to_numpy(float),
                   color=colour[target], marker=marker[target], alpha=0.55, edgecolors="white", linewidths=0.5,
                   zorder=3)
        rows = agg[(agg["actor"] == actor) & (agg["target"] == target)]
        mid = [s + (e - s) / 2 for s, e in zip(rows["period_start"], rows["period_end"])]
        x = _as_datetime(mid)
        # Bands only where a period has two or more statements: a lone statement's band spans
        # most of the axis and would bury the data.
        solid = rows["n"].to_numpy() >= 2
        low = np.where(solid, rows["low"].to_numpy(float), np.nan)
        high = np.where(solid, rows["high"].to_numpy(float), np.nan)
        ax.fill_between(x, low, high, color=colour[target],
                        alpha=0.12, linewidth=0, zorder=1)
        # A bar per period too: fill_between draws nothing for a period between two gaps.
        ax.vlines(x, low, high, color=colour[target], alpha=0.3, linewidth=3, zorder=1)
        ax.plot(x, rows["mean"].to_numpy(float), color=colour[target], linewidth=2.0, marker=marker[target],
                markersize=4, zorder=4, label=plain(f"{target} (n={len(pts)})"))
    trans = blended_transform_factory(ax.transData, ax.transAxes)
    first, last = min(stmts["date"]), max(stmts["date"])
    middle = first + (last - first) / 2
    mine = sorted((s for s in shifts if s.actor == actor and s.target in colour), key=lambda s: s.date)
    for i, shift in enumerate(mine):
        x = dt.datetime.combine(shift.date, dt.time())
        emerging = shift.status == "emerging"
        # An emerging shift (one article on the new side) is dotted and says so; a confirmed one is dashed.
        ax.axvline(x, color=colour[shift.target], linestyle=":" if emerging else "--",
                   linewidth=1.6 if emerging else 1.2, zorder=2)
        arrow = "▲" if shift.direction == "up" else "▼"
        quote = shift.after_quotes[0].text if shift.after_quotes else ""
        label = f"{arrow} {shift.target} {shift.delta:+.2f} ({shift.date.isoformat()})"
        if emerging:
            label += " (emerging)"
        if quote:
            label += f"\n“{truncate(quote)}”"
        # Label on the side with more room, so it stays inside the axes.
        right_half = shift.date > middle
        ax.annotate(plain(label), xy=(mdates.date2num(x), 0.98 - 0.13 * (i % 4)), xycoords=trans,
                    xytext=(-4 if right_half else 4, 0), textcoords="offset points", fontsize=8, va="top",
                    ha="right" if right_half else "left", color="#222222",
                    bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": colour[shift.target], "alpha": 0.9,
                          "linestyle": ":" if emerging else "-"},
                    zorder=6)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel("date")
    ax.set_ylabel("stance score (confidence-weighted)")
    more = f"; {left_out} less-discussed targets not drawn" if left_out else ""
    ax.set_title(plain(title or f"{actor}: stance toward each target over time ({kind} means, 95% band{more})"))
    fig.legend(loc="outside lower center", fontsize=8, frameon=False, ncols=min(len(targets), 4),
               title=("target: points = statements (size = confidence), line = period mean, "
                      "shade = 95% band (periods with n >= 2)"),
               title_fontsize=8)
    if len(stmts["date"].unique()) == 1:
        only = dt.datetime.combine(stmts["date"].iloc[0], dt.time())
        ax.set_xlim(only - dt.timedelta(days=3), only + dt.timedelta(days=3))
    return fig


def _heatmap(values: np.ndarray, notes: list[list[str]], actors: list[str], targets: list[str], *, title: str,
             vmax: float, colorbar_label: str) -> Figure:
    width = max(5.0, 1.3 * len(targets) + 3.0)
    height = max(3.0, 0.6 * len(actors) + 1.8)
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    masked = np.ma.masked_invalid(values)
    image = ax.imshow(masked, cmap=STANCE_CMAP, vmin=-vmax, vmax=vmax, aspect="auto")
    ax.set_facecolor("#eeeeee")  # cells without data show through the mask
    ax.set_xticks(range(len(targets)), labels=[plain(t) for t in targets], rotation=30, ha="right")
    ax.set_yticks(range(len(actors)), labels=[plain(a) for a in actors])
    ax.set_xlabel("target")
    ax.set_ylabel("actor")
    for i in range(len(actors)):
        for j in range(len(targets)):
            v = values[i, j]
            dark = not np.isnan(v) and abs(v) > 0.6 * vmax
            ax.text(j, i, notes[i][j], ha="center", va="center", fontsize=8, color="white" if dark else "#222222")
    fig.colorbar(image, ax=ax, label=colorbar_label, shrink=0.8)
    ax.set_title(title)
    return fig


def _pairs(df: pd.DataFrame) -> tuple[list[str], list[str]]:
    data = df[(df["actor"].astype(str) != "") & (df["target"].astype(str) != "")]
    return sorted(data["actor"].astype(str).unique()), sorted(data["target"].astype(str).unique())


def heatmap_current(df: pd.DataFrame, *, period: str = "auto", agg: pd.DataFrame | None = None) -> Figure:
    """Actor x target: the latest period's mean stance (cell text: mean, n and period)."""
    agg = aggregate(df, period=period) if agg is None else agg
    actors, targets = _pairs(agg) if not agg.empty else ([], [])
    values = np.full((len(actors), len(targets)), np.nan)
    notes = [["no data"] * len(targets) for _ in actors]
    for (actor, target), rows in agg.groupby(["actor", "target"]):
        last = rows.sort_values("period_start").iloc[-1]
        i, j = actors.index(actor), targets.index(target)
        values[i, j] = last["mean"]
        notes[i][j] = f"{last['mean']:+.2f}\nn={int(last['n'])}\n{last['period']}"
    if not actors:
        actors, targets, values, notes = ["(none)"], ["(none)"], np.full((1, 1), np.nan), [["no data"]]
    return _heatmap(values, notes, actors, targets, title="Current stance (latest period mean)", vmax=1.0,
                    colorbar_label="against ← score → favor")


def heatmap_change(df: pd.DataFrame, shifts: Sequence[Shift]) -> Figure:
    """Actor x target: the latest detected shift's delta (cell text: delta, date, "emerging" if so)."""
    actors, targets = _pairs(df)
    for s in shifts:
        if s.actor not in actors:
            actors.append(s.actor)
        if s.target not in targets:
            targets.append(s.target)
    values = np.full((len(actors), len(targets)), np.nan)
    notes = [["no shift"] * len(targets) for _ in actors]
    latest: dict[tuple[str, str], Shift] = {}
    for s in shifts:
        key = (s.actor, s.target)
        if key not in latest or s.date > latest[key].date:
            latest[key] = s
    for (actor, target), s in latest.items():
        i, j = actors.index(actor), targets.index(target)
        values[i, j] = s.delta
        notes[i][j] = f"{s.delta:+.2f}\n{s.date.isoformat()}" + ("\nemerging" if s.status == "emerging" else "")
    if not actors:
        actors, targets, values, notes = ["(none)"], ["(none)"], np.full((1, 1), np.nan), [["no data"]]
    return _heatmap(values, notes, actors, targets, title="Latest stance change (shift delta)", vmax=2.0,
                    colorbar_label="against ← Δ → favor")


def png_bytes(fig: Figure, *, dpi: int = 100) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def save_png(fig: Figure, path: str | Path, *, dpi: int = 100) -> Path:
    """Write ``fig`` as PNG (parent folders created); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png_bytes(fig, dpi=dpi))
    return path
