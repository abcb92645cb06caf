"""Throughput of stance.attribution.iter_statements: articles/s for n_process 1 vs 2 and a few batch sizes.

Reads the PolNeAR texts from ../shared/data (or $STANCE_SHARED_DATA) when present, otherwise
builds synthetic ~300-word news articles. Prints each setting and its ratio to the
n_process=1 baseline measured in the same run.

    python scripts/bench_extraction.py [--articles 200] [--batch-sizes 16 64]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time

from stance.evaluation.attribution import shared_data_dir
from stance.nlp import load_nlp
from stance.records import Article
from stance.attribution import iter_statements, load_extraction_nlp
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
    lean = load_extraction_nlp()  # tagger + parser + a tag->POS map: what extraction uses by default
    # spaCy's pipeline as shipped (attribute ruler, NER), for comparison with extraction's lean default.
    full = load_nlp(("lemmatizer",))
    list(iter_statements(articles[:8], watchlist, nlp=lean))  # warm-up: model load, caches

    def measure(nlp, n_process: int, batch_size: int) -> tuple[float, int, float]:
        start, cpu = time.perf_counter(), time.process_time()
        n = sum(len(st) for _, st in iter_statements(articles, watchlist, nlp=nlp, n_process=n_process,
                                                     batch_size=batch_size))
        cpu = time.process_time() - cpu
        return len(articles) / (time.perf_counter() - start), n, cpu

    try:
        load = os.getloadavg()[0]
        print(f"load average {load:.1f} on {os.cpu_count()} cores (other processes slow every row alike)")
    except OSError:
        pass

    baseline = None
    settings = [("lean", lean, n, b) for n in (1, 2) for b in args.batch_sizes]
    with_ner = load_extraction_nlp(ner=True)
    settings += [("lean+NER", with_ner, n, args.batch_sizes[-1]) for n in (1, 2)]
    settings.append(("full", full, 1, args.batch_sizes[-1]))
    for label, nlp, n_process, batch_size in settings:
        rate, n_statements, cpu = measure(nlp, n_process, batch_size)
        baseline = baseline or rate
        # With one process, CPU time per article gives the rate of one core of its own, whatever the load.
        per_core = f", {len(articles) / cpu:5.1f}/s per CPU-second" if n_process == 1 else ""
        print(f"{label} pipeline n_process={n_process} batch_size={batch_size:4d}: {rate:6.1f} articles/s "
              f"({rate * words:6.0f} words/s{per_core}, {n_statements} statements)  x{rate / baseline:.2f} vs first row")


if __name__ == "__main__":
    main()
