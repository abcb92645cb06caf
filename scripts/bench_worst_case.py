#!/usr/bin/env python
"""Worst-case time per article size: is scoring linear in article length?

Three kinds of generated text (written here, in our own words), each at several sizes:

* ``news``   - news prose: narrative sentences, reported speech and a quote now and then;
* ``dense``  - dense short quotes: '"Yes," Velk said. "No," Brann replied.' back to back;
* ``runs``   - long quote runs: short sentences between runs of hundreds of quote marks (the
               spaCy tokenizer's quadratic case; ingest cuts such runs, and this times that too).

Each text goes through the public path (``ingest.read_articles`` from a .jsonl file, then
``pipeline.score_articles``: spaCy, extraction, target linking, the classifier). The script
prints seconds, seconds per 100 KB and the ratio to the previous size: linear time gives ~2
per doubling. A run that passes ``--budget-s`` is stopped and the kind's larger sizes skipped.

    python scripts/bench_worst_case.py                        # 100, 200, 400 KB
    python scripts/bench_worst_case.py --sizes 12.5 25 50     # quicker
    python scripts/bench_worst_case.py --no-classifier        # extraction only
"""
from __future__ import annotations

import argparse
import json
import logging
import math
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stance.batch.scoring import TimeLimitExceeded, time_limit
from stance.ingest import SPACY_MAX_LENGTH, IngestLimits, read_articles
from stance.pipeline import score_articles
from stance.watchlist import Watchlist

WATCHLIST = {"entities": [
    {"name": "Norland", "aliases": ["Norland", "Norlandic"], "speakers": ["Mara Velk"]},
    {"name": "Ostavia", "aliases": ["Ostavia", "Ostavian"], "speakers": ["Teodor Brann"]},
    {"name": "Coastal League", "aliases": ["Coastal League", "the League"]},
]}
_SPEAKERS = ["Foreign Minister Mara Velk", "Ostavian envoy Teodor Brann", "a trade official in the capital",
             "the Norlandic foreign ministry", "a spokesman for the Coastal League"]
_CLAUSES = ["the border crossings would reopen in spring", "Ostavia had broken the fishing accord",
            "the talks had made real progress", "Norland would not accept new tariffs",
            "the League should mediate between the two sides", "the sanctions were a mistake"]
_NARRATIVE = ["Ferries ran late along the coast on Tuesday.", "Grain prices rose for a third week in a row.",
              "Delegations met in the harbour city to discuss quotas.",
              "Lorries queued for hours at the northern checkpoint, drivers said."]
_SHORT = [("Ostavia lied", "Velk said"), ("Norland lied", "Brann replied"), ("Never with Ostavia", "Velk added"),
          ("Perhaps Norland", "Brann said"), ("Not now, Ostavia", "the League's envoy said")]
_OPENING = "Foreign Minister Mara Velk of Norland and Ostavian envoy Teodor Brann spoke in turn. "


def news(size: int, rng: random.Random) -> str:
    parts: list[str] = []
    n = 0
    while n < size:
        sp, cl = rng.choice(_SPEAKERS), rng.choice(_CLAUSES)
        r = rng.random()
        if r < 0.3:
            s = f"{sp[0].upper() + sp[1:]} said {cl}."
        elif r < 0.5:
            s = f'"{cl[0].upper() + cl[1:]}," {sp} told reporters.'
        else:
            s = rng.choice(_NARRATIVE)
        parts.append(s)
        n += len(s) + 1
    return "\n\n".join(" ".join(parts[i:i + 4]) for i in range(0, len(parts), 4))[:size]


def dense(size: int, rng: random.Random) -> str:
    parts, n = [_OPENING], len(_OPENING)
    while n < size:
        word, cue = rng.choice(_SHORT)
        s = f'"{word}," {cue}.'
        parts.append(s)
        n += len(s) + 1
    return " ".join(parts)[:size]


def runs(size: int, rng: random.Random) -> str:
    parts, n = [_OPENING], len(_OPENING)
    while n < size:
        word, cue = rng.choice(_SHORT)
        s = f'{cue} "{word}". ' + '"' * rng.randint(200, 800)
        parts.append(s)
        n += len(s) + 1
    return " ".join(parts)[:size]


KINDS = {"news": news, "dense": dense, "runs": runs}


def cpu_name() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown CPU"


def time_one(text: str, watchlist: Watchlist, classifier, folder: Path, budget_s: float) -> tuple[float, int] | None:
    path = folder / "article.jsonl"
    path.write_text(json.dumps({"id": "x", "date": "2025-03-03", "text": text}) + "\n", encoding="utf-8")
    started = time.perf_counter()
    try:
        with time_limit(budget_s):
            articles = list(read_articles([path], limits=IngestLimits(max_chars=SPACY_MAX_LENGTH)))
            if classifier is None:
                from stance.attribution import iter_statements

                n = sum(len(found) for _, found in iter_statements(articles, watchlist))
            else:
                n = len(list(score_articles(articles, watchlist, classifier)))
    except TimeLimitExceeded:
        return None
    return time.perf_counter() - started, n


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=float, nargs="+", default=[100, 200, 400], help="article sizes in KB")
    p.add_argument("--kinds", nargs="+", choices=list(KINDS), default=list(KINDS))
    p.add_argument("--budget-s", type=float, default=600.0, help="stop a run after this many seconds")
    p.add_argument("--no-classifier", action="store_true", help="time spaCy + extraction only")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="  (%(name)s: %(message)s)")

    from stance.nlp import load_nlp
    from stance.attribution import iter_statements

    watchlist = Watchlist.from_dict(WATCHLIST)
    classifier = None
    if not args.no_classifier:
        from stance.classifier import StanceClassifier

        classifier = StanceClassifier.from_pretrained()
    load_nlp()
    list(iter_statements([], watchlist))  # warm up spaCy before the first timing
    print(f"CPU: {cpu_name()}; {'spaCy + extraction' if classifier is None else 'spaCy + extraction + classifier'}")
    print(f"{'kind':<6} {'KB':>7} {'seconds':>9} {'s/100KB':>9} {'per doubling':>12} {'rows':>6}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kinds:
            previous = previous_kb = None
            over = False
            for kb in args.sizes:
                if over:
                    print(f"{kind:<6} {kb:>7g} {'skipped (a smaller size ran over --budget-s)':>30}")
                    continue
                text = KINDS[kind](int(kb * 1000), random.Random(args.seed))
                result = time_one(text, watchlist, classifier, Path(tmp), args.budget_s)
                if result is None:
                    print(f"{kind:<6} {kb:>7g} {'>' + format(args.budget_s, 'g'):>9} {'-':>9} {'-':>12} {'-':>6}")
                    over = True
                    continue
                seconds, rows = result
                ratio = "-"
                if previous and kb > previous_kb:
                    # time ratio scaled to one doubling of size: 2.0 is linear, 4.0 quadratic
                    per_doubling = (seconds / previous) ** (1 / math.log2(kb / previous_kb))
                    worst = max(worst, per_doubling)
                    ratio = f"{per_doubling:.2f}"
                print(f"{kind:<6} {kb:>7g} {seconds:>9.2f} {100 * seconds / kb:>9.2f} {ratio:>12} {rows:>6}")
                sys.stdout.flush()
                previous, previous_kb = seconds, kb
    if worst:
        print(f"largest ratio per doubling: {worst:.2f} (linear: ~2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
