"""Throughput of stance.statements.iter_statements: articles/s for n_process 1 vs 2 and a few batch sizes.

Reads the PolNeAR texts from ../shared/data (or $STANCE_SHARED_DATA) when present, otherwise
builds synthetic ~300-word news articles. Prints each setting and its ratio to the
n_process=1 baseline measured in the same run.

    python scripts/bench_extraction.py [--articles 200] [--batch-sizes 16 64]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from stance.evaluation.attribution import shared_data_dir
from stance.nlp import load_nlp
from stance.records import Article
from stance.statements import UNUSED_COMPONENTS, iter_statements
from stance.watchlist import Watchlist

_SPEAKERS = ["Foreign Minister Abbas Araghchi", "Kremlin spokesman Dmitry Peskov", "an analyst in Beirut",
             "the Turkish foreign ministry", "State Department spokesman Matthew Miller"]
_CLAUSES = ["the rebels had taken the airport", "talks would continue next week",
            "the offensive was a violation of sovereignty", "Washington had no role in the fighting",
            "the new authorities must protect minorities", "Moscow would keep its bases"]
_NARRATIVE = ["Fighting continued in the north of the country on Tuesday.",
              "Thousands of people fled toward the coast as the front moved south.",
              "Diplomats met in Doha to discuss a ceasefire and humanitarian access.",
              "The army withdrew from several towns without a fight, witnesses said."]


def synthetic_articles(n: int, words: int = 300, seed: int = 0) -> list[Article]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        parts: list[str] = []
        while sum(len(p.split()) for p in parts) < words:
            r = rng.random()
            sp, cl = rng.choice(_SPEAKERS), rng.choice(_CLAUSES)
            if r < 0.3:
                parts.append(f"{sp[0].upper() + sp[1:]} said {cl}.")
            elif r < 0.5:
                parts.append(f'"{cl[0].upper() + cl[1:]}," {sp} told reporters.')
            else:
                parts.append(rng.choice(_NARRATIVE))
        out.append(Article(id=f"synthetic-{i}", date=dt.date(2024, 12, 5), source="bench", title="",
                           text="\n\n".join(" ".join(parts[j:j + 3]) for j in range(0, len(parts), 3))))
    return out


def polnear_articles(n: int) -> list[Article] | None:
    root = shared_data_dir() / "polnear" / "dev" / "text"
    files = sorted(root.glob("*.txt")) if root.is_dir() else []
    if not files:
        return None
    arts = [Article(id=p.stem, date=None, source="polnear", title="", text=p.read_text(encoding="utf-8"))
            for p in files]
    return (arts * (n // len(arts) + 1))[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--synthetic", action="store_true", help="use synthetic articles even if PolNeAR is present")
    args = parser.parse_args()

    articles = None if args.synthetic else polnear_articles(args.articles)
    if articles is None:
        if not args.synthetic:
            print("PolNeAR texts not found under", shared_data_dir(), "- using synthetic 300-word articles")
        articles = synthetic_articles(args.articles)
    words = sum(len(a.text.split()) for a in articles) / len(articles)
    print(f"{len(articles)} articles, {words:.0f} words on average")
    watchlist = Watchlist.from_dict({"entities": [
        {"name": "Iran", "aliases": ["Iran", "Iranian", "Tehran"], "speakers": ["Abbas Araghchi"]},
        {"name": "Russia", "aliases": ["Russia", "Moscow", "Kremlin"], "speakers": ["Dmitry Peskov"]},
        {"name": "United States", "aliases": ["US", "Washington"], "speakers": ["Matthew Miller"]},
        {"name": "HTS", "aliases": ["rebels", "HTS", "new authorities"]},
    ]})
    nlp = load_nlp(UNUSED_COMPONENTS)
    list(iter_statements(articles[:8], watchlist, nlp=nlp))  # warm-up: model load, caches

    baseline = None
    for n_process in (1, 2):
        for batch_size in args.batch_sizes:
            start = time.perf_counter()
            n_statements = sum(len(s) for _, s in iter_statements(
                articles, watchlist, nlp=nlp, n_process=n_process, batch_size=batch_size))
            rate = len(articles) / (time.perf_counter() - start)
            baseline = baseline or rate
            print(f"n_process={n_process} batch_size={batch_size:4d}: {rate:6.1f} articles/s "
                  f"({rate * words:7.0f} words/s, {n_statements} statements)  x{rate / baseline:.2f} vs n_process=1")


if __name__ == "__main__":
    main()
