"""What changed since the previous run in the same output folder: alerts.csv and alerts.md.

A monitoring run compares the shifts it finds with the ``shifts.csv`` the previous run left in
the folder. A shift is identified by (actor, target, direction, date); ``date`` is the first
new-side statement, which more evidence does not move. Alerts:

``new``        a shift the previous run did not report (confirmed or emerging)
``confirmed``  an emerging shift of the previous run is now confirmed (same actor, target and
               direction; dated on or after the emerging one's date when the segmentation moved it)
``withdrawn``  a shift of the previous run is no longer reported (for an emerging one: the next
               statements did not carry the new line)

On a first run every shift is new.
"""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from .records import format_score

log = logging.getLogger(__name__)

ALERT_KINDS = ("new", "confirmed", "withdrawn")
ALERT_COLUMNS = ("alert", "status", "actor", "target", "direction", "date", "before", "after", "delta",
                 "before_quote", "before_source", "before_date", "before_url", "after_quote", "after_source",
                 "after_date", "after_url", "note")
_KEY = ["actor", "target", "direction", "date"]


def read_previous_shifts(path: str | Path) -> pd.DataFrame | None:
    """The shifts.csv a previous run wrote, or None (no file, or one this version cannot read: logged)."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        log.warning("%s: previous shifts not readable (%s); every shift counts as new", path, exc)
        return None
    missing = [c for c in _KEY if c not in frame.columns]
    if missing:
        log.warning("%s: previous shifts lack columns %s; every shift counts as new", path, missing)
        return None
    if "status" not in frame.columns:  # written before emerging shifts existed: all confirmed
        frame["status"] = "confirmed"
    return frame


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in ALERT_COLUMNS:
        if col not in out.columns:
            out[col] = ""
    out["date"] = out["date"].astype(str)
    out["status"] = out["status"].astype(str).replace("", "confirmed")
    return out


def compute_alerts(previous: pd.DataFrame | None, current: pd.DataFrame) -> pd.DataFrame:
    """Alerts (columns ``ALERT_COLUMNS``) for going from ``previous`` shifts to ``current`` ones."""
    cur = _keyed(current)
    if previous is None:
        frame = _frame([{**r, "alert": "new"} for r in cur.to_dict("records")])
        frame.attrs["first_run"] = True
        return frame
    prev = _keyed(previous)
    prev_keys = {tuple(r[k] for k in _KEY): r for r in prev.to_dict("records")}
    rows, unmatched_cur = [], []
    for r in cur.to_dict("records"):
        key = tuple(r[k] for k in _KEY)
        old = prev_keys.pop(key, None)
        if old is None:
            unmatched_cur.append(r)
        elif old["status"] == "emerging" and r["status"] == "confirmed":
            rows.append({**r, "alert": "confirmed"})
        elif old["status"] != r["status"]:  # confirmed -> emerging: the support weakened
            rows.append({**r, "alert": "new"})
    for r in unmatched_cur:
        # An emerging shift confirmed under a date the segmentation moved (later, never earlier).
        match = next((k for k, old in prev_keys.items() if old["status"] == "emerging" and r["status"] == "confirmed"
                      and k[:3] == (r["actor"], r["target"], r["direction"]) and r["date"] >= k[3]), None)
        if match is not None:
            prev_keys.pop(match)
            rows.append({**r, "alert": "confirmed"})
        else:
            rows.append({**r, "alert": "new"})
    rows.extend({**old, "alert": "withdrawn"} for old in prev_keys.values())
    return _frame(rows)


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame([{c: r.get(c, "") for c in ALERT_COLUMNS} for r in rows], columns=list(ALERT_COLUMNS))
    order = {k: i for i, k in enumerate(ALERT_KINDS)}
    frame["_o"] = frame["alert"].map(order)
    return frame.sort_values(["_o", "date", "actor", "target"], kind="stable").drop(columns="_o").reset_index(drop=True)


def alerts_markdown(alerts: pd.DataFrame, *, title: str = "Alerts") -> str:
    """alerts.md: one entry per alert with the quotes on each side and their links."""
    from .report import md_escape, md_link

    lines = [f"# {md_escape(title)}", ""]
    if alerts.empty:
        lines.append("No change since the previous run.")
        return "\n".join(lines) + "\n"
    words = {"new": "New", "confirmed": "Newly confirmed", "withdrawn": "Withdrawn"}
    for r in alerts.to_dict("records"):
        arrow = "toward favor" if r["direction"] == "up" else "toward against"
        lines.append(f"## {words.get(r['alert'], md_escape(r['alert']))}: {md_escape(r['actor'])} → "
                     f"{md_escape(r['target'])}, {arrow} from {md_escape(r['date'])} ({md_escape(r['status'])})")
        lines.append("")
        try:
            before, after, delta = (format_score(float(r[k])) for k in ("before", "after", "delta"))
            lines.append(f"{before} → {after} (Δ {delta})")
            lines.append("")
        except (TypeError, ValueError):
            pass
        for side in ("before", "after"):
            if r.get(f"{side}_quote"):
                source = md_link(r[f"{side}_source"] or "source", r[f"{side}_url"])
                lines.append(f"- {side.capitalize()}: “{md_escape(r[f'{side}_quote'])}” — {source}, "
                             f"{md_escape(r[f'{side}_date'])}")
        if r.get("note"):
            lines.append(f"- {md_escape(r['note'])}")
        lines.append("")
    return "\n".join(lines)


def write_alerts(alerts: pd.DataFrame, out_dir: str | Path) -> dict[str, Path]:
    out = Path(out_dir)
    paths = {"alerts_csv": out / "alerts.csv", "alerts_md": out / "alerts.md"}
    alerts.to_csv(paths["alerts_csv"], index=False)
    paths["alerts_md"].write_text(alerts_markdown(alerts), encoding="utf-8")
    return paths
