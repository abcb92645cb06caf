"""Per-actor reports (self-contained HTML and Markdown) and an index page.

Layout under ``out_dir``::

    index.html                     all actors, heatmaps, every shift
    charts/<actor-slug>.png        per-actor timeline
    charts/heatmap_current.png     actor x target, latest period mean
    charts/heatmap_change.png      actor x target, latest shift delta
    reports/<actor-slug>.html      charts embedded as data URIs, inline CSS, no scripts
    reports/<actor-slug>.md        charts linked by relative path

Everything from the data is untrusted (quotes come from news articles): HTML goes through
Jinja2 autoescape plus a Content-Security-Policy that forbids scripts; links are only made
from http(s) URLs; Markdown escapes ``& < >``, table pipes and link/emphasis syntax.
"""
from __future__ import annotations

import base64
import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined

from .charts import heatmap_change, heatmap_current, png_bytes, timeline_figure
from .framing import framing_terms, label_changes
from .records import Quote, Shift
from .shifts import ShiftConfig
from .timeline import aggregate, dedupe_statements, normalise_statements

log = logging.getLogger(__name__)

_RESERVED = {"con", "prn", "aux", "nul", "index", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
TREND_THRESHOLD = 0.25  # change in period mean read as rising/falling


def slugify(name: str, taken: set[str] | None = None, *, max_len: int = 60) -> str:
    """A filesystem-safe, lower-case ASCII slug, unique against (and added to) ``taken``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:max_len].strip("-") or "actor"
    if slug in _RESERVED:
        slug = f"{slug}-actor"
    if taken is not None:
        base, i = slug, 2
        while slug in taken:
            slug = f"{base}-{i}"
            i += 1
        taken.add(slug)
    return slug


def safe_url(url: object) -> str:
    """``url`` if it is an absolute http(s) URL without whitespace or control characters, else ""."""
    text = str(url or "").strip()
    if not text or any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in text):
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


class _MdSafe(str):
    """Markdown that the template may emit as is (built by ``md_link`` from escaped parts)."""


# Values sit inside table cells and list items, never at a line start, so only inline syntax
# needs escaping: code, emphasis, links/images (via the brackets), strikethrough, cell pipes.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]~|])")


def md_escape(value: object) -> str:
    """Plain text made inert in Markdown (and in any HTML a Markdown renderer lets through)."""
    if isinstance(value, _MdSafe):
        return value
    if value is None:
        return ""
    text = " ".join(str(value).split())  # newlines would end a table row or a blockquote
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_link(label: object, url: object) -> _MdSafe:
    href = safe_url(url)
    if not href:
        return _MdSafe(md_escape(label))
    for raw, enc in (("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E"), ('"', "%22"), ("|", "%7C"),
                     ("\\", "%5C"), ("[", "%5B"), ("]", "%5D"), ("`", "%60")):
        href = href.replace(raw, enc)
    return _MdSafe(f"[{md_escape(label)}]({href})")


def _html_env() -> Environment:
    return Environment(loader=PackageLoader("stance", "templates"), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def _md_env() -> Environment:
    env = Environment(loader=PackageLoader("stance", "templates"), autoescape=False, undefined=StrictUndefined,
                      finalize=md_escape, trim_blocks=True, lstrip_blocks=True)
    env.filters["md_link"] = md_link
    return env


def _fmt_date(day: object) -> str:
    return day.isoformat() if isinstance(day, dt.date) else ("" if day is None else str(day))


def _quote_ctx(q: Quote) -> dict:
    return {"text": q.text, "speaker": q.speaker, "source": q.source, "date": _fmt_date(q.date), "score": q.score,
            "url": safe_url(q.url), "article_id": q.article_id}


def _shift_ctx(s: Shift, slug: str) -> dict:
    return {"actor": s.actor, "target": s.target, "slug": slug, "date": _fmt_date(s.date), "direction": s.direction,
            "before": s.before, "after": s.after, "delta": s.delta, "delta_low": s.delta_low,
            "delta_high": s.delta_high, "n_before": s.n_before, "n_after": s.n_after,
            "last_before": _fmt_date(s.last_before), "first_after": _fmt_date(s.first_after),
            "status": s.status, "note": s.note,
            "before_quotes": [_quote_ctx(q) for q in s.before_quotes],
            "after_quotes": [_quote_ctx(q) for q in s.after_quotes],
            "before_quote": _quote_ctx(s.before_quotes[0]) if s.before_quotes else None,
            "after_quote": _quote_ctx(s.after_quotes[0]) if s.after_quotes else None}


def _trend(rows: pd.DataFrame, shifts: list[Shift]) -> str:
    if shifts:
        last = max(shifts, key=lambda s: s.date)
        word = "toward favor" if last.direction == "up" else "toward against"
        if last.status == "emerging":
            return f"emerging shift {word} on {last.date.isoformat()} ({last.delta:+.2f}; not yet confirmed)"
        return f"shifted {word} on {last.date.isoformat()} ({last.delta:+.2f})"
    if len(rows) < 2:
        return "one period only"
    change = rows["mean"].iloc[-1] - rows["mean"].iloc[-2]
    if change >= TREND_THRESHOLD:
        return f"rising ({change:+.2f} on previous period; no significant shift)"
    if change <= -TREND_THRESHOLD:
        return f"falling ({change:+.2f} on previous period; no significant shift)"
    return "steady"


def _summary(agg: pd.DataFrame, shifts: list[Shift], totals: dict[str, int]) -> list[dict]:
    out = []
    for target, rows in agg.groupby("target", sort=True):
        rows = rows.sort_values("period_start")
        last = rows.iloc[-1]
        out.append({"target": target, "period": last["period"], "mean": float(last["mean"]),
                    "low": float(last["low"]), "high": float(last["high"]), "label": last["label"],
                    "n_latest": int(last["n"]), "n_total": totals.get(target, 0),
                    "trend": _trend(rows, [s for s in shifts if s.target == target])})
    return out


def _framing_rows(framing: pd.DataFrame, actor: str) -> pd.DataFrame:
    # Plain names used once ("Assad", "Israel") say little about framing; labels always stay.
    mine = framing[framing["actor"] == actor]
    keep = (mine["origins"] != "mention") | (mine["n"] >= 2)
    return mine[keep].sort_values(["target", "first_date"], kind="stable")


def _records(frame: pd.DataFrame, date_cols: Sequence[str]) -> list[dict]:
    rows = frame.to_dict("records")
    for row in rows:
        for col in date_cols:
            row[col] = _fmt_date(row.get(col))
    return rows


def write_reports(df: pd.DataFrame, shifts: Sequence[Shift], out_dir: str | Path, *, title: str = "Stance report",
                  framing: pd.DataFrame | None = None, period: str = "auto",
                  shift_config: ShiftConfig | None = None, alerts: Sequence[dict] | None = None,
                  first_run: bool = True) -> dict:
    """Write charts, per-actor HTML/Markdown reports and index.html; returns the paths written.

    ``framing`` is a ``framing.framing_terms`` frame (computed from ``df`` when None); ``alerts``
    (``stance.alerts`` rows) head the index page. Returns
    ``{"index": Path, "heatmaps": {"current": Path, "change": Path},
    "actors": {actor: {"slug", "html", "md", "chart"}}}``.
    """
    out = Path(out_dir)
    charts_dir, reports_dir = out / "charts", out / "reports"
    charts_dir.mkdir(parents=True, exist_ok=True)
    reports_dir.mkdir(parents=True, exist_ok=True)
    config = shift_config or ShiftConfig()
    data = normalise_statements(df)
    # from the rows as given: normalising leaves out rows without a score (unattributed ones with actors_only)
    n_unattributed = int((df["actor"].fillna("").astype(str) == "").sum())
    data = data[data["actor"] != ""]
    shifts = list(shifts)
    stmts = dedupe_statements(data, window_days=config.window_days)
    agg = aggregate(stmts, period=period, deduped=True)
    kind = agg.attrs.get("period", period)
    framing = framing_terms(data) if framing is None else framing
    changes = label_changes(data, period=period, shifts=shifts)
    html_env, md_env = _html_env(), _md_env()
    taken: set[str] = set()
    result: dict = {"actors": {}, "heatmaps": {}}
    actor_rows, slug_of = [], {}
    dates = [d for d in data["date"] if d is not None]
    for actor in sorted(data["actor"].unique()):
        slug = slugify(actor, taken)
        slug_of[actor] = slug
        mine = data[data["actor"] == actor]
        mine_stmts = stmts[stmts["actor"] == actor]
        mine_shifts = sorted((s for s in shifts if s.actor == actor), key=lambda s: (s.date, s.target))
        fig = timeline_figure(mine, actor, shifts=mine_shifts, period=kind)
        png = png_bytes(fig)
        chart_path = charts_dir / f"{slug}.png"
        chart_path.write_bytes(png)
        totals = mine_stmts[mine_stmts["target"] != ""].groupby("target").size().to_dict()
        my_dates = [d for d in mine["date"] if d is not None]
        statements = mine.assign(_ord=[d.toordinal() if d else 0 for d in mine["date"]])
        statements = statements.sort_values(["_ord", "target", "source"], kind="stable")
        statement_rows = _records(statements[["date", "target", "source", "speaker", "kind", "stance", "score",
                                              "text", "url", "background"]], ["date"])
        for row in statement_rows:
            row["url"] = safe_url(row["url"])
        ctx = {
            "title": title, "actor": actor, "slug": slug, "period": kind,
            "n_statements": len(mine), "n_distinct": len(mine_stmts), "n_outlets": mine["source"].nunique(),
            "first_date": _fmt_date(min(my_dates)) if my_dates else "",
            "last_date": _fmt_date(max(my_dates)) if my_dates else "",
            "summary": _summary(agg[agg["actor"] == actor], mine_shifts, totals),
            "shifts": [_shift_ctx(s, slug) for s in mine_shifts],
            "framing": _records(_framing_rows(framing, actor), ["first_date", "last_date"]),
            "label_changes": _records(changes[changes["actor"] == actor], ["date"]),
            "statements": statement_rows, "min_support": config.min_support, "min_delta": config.min_delta,
        }
        html_path = reports_dir / f"{slug}.html"
        html_path.write_text(html_env.get_template("actor.html.j2").render(
            chart_b64=base64.b64encode(png).decode("ascii"), **ctx), encoding="utf-8")
        md_path = reports_dir / f"{slug}.md"
        md_path.write_text(md_env.get_template("actor.md.j2").render(
            chart_link=_MdSafe(f"../charts/{slug}.png"), index_link=_MdSafe("../index.html"), **ctx),
            encoding="utf-8")
        result["actors"][actor] = {"slug": slug, "html": html_path, "md": md_path, "chart": chart_path}
        latest = mine_shifts[-1] if mine_shifts else None
        actor_rows.append({
            "actor": actor, "slug": slug, "n_statements": len(mine), "n_shifts": len(mine_shifts),
            "targets": ", ".join(sorted(t for t in mine["target"].unique() if t)),
            "latest_shift": (f"{latest.target}: {latest.direction} {latest.delta:+.2f} on {latest.date.isoformat()}"
                             + (" (emerging)" if latest.status == "emerging" else "") if latest else "none")})
    current, change = heatmap_current(stmts, agg=agg), heatmap_change(stmts[stmts["actor"] != ""], shifts)
    current_png, change_png = png_bytes(current), png_bytes(change)
    result["heatmaps"]["current"] = charts_dir / "heatmap_current.png"
    result["heatmaps"]["change"] = charts_dir / "heatmap_change.png"
    result["heatmaps"]["current"].write_bytes(current_png)
    result["heatmaps"]["change"].write_bytes(change_png)
    all_shifts = sorted(shifts, key=lambda s: (s.date, s.actor, s.target))
    index = out / "index.html"
    index.write_text(html_env.get_template("index.html.j2").render(
        title=title, actors=actor_rows, n_statements=len(data) + n_unattributed, n_unattributed=n_unattributed,
        n_shifts=len(shifts), first_date=_fmt_date(min(dates)) if dates else "",
        last_date=_fmt_date(max(dates)) if dates else "",
        heatmap_current_b64=base64.b64encode(current_png).decode("ascii"),
        heatmap_change_b64=base64.b64encode(change_png).decode("ascii"),
        shifts=[_shift_ctx(s, slug_of.get(s.actor, slugify(s.actor))) for s in all_shifts],
        alerts=[{**a, "slug": slug_of.get(a["actor"], ""), "before_url": safe_url(a.get("before_url")),
                 "after_url": safe_url(a.get("after_url"))} for a in (alerts or [])],
        show_alerts=alerts is not None, first_run=first_run,
        label_changes=[{**c, "slug": slug_of.get(c["actor"], "")} for c in _records(changes, ["date"])
                       if c["actor"] in slug_of]), encoding="utf-8")
    result["index"] = index
    log.info("wrote reports for %d actors to %s", len(actor_rows), out)
    return result


__all__ = ["write_reports", "slugify", "safe_url", "md_escape", "md_link"]
