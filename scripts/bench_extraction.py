"""Throughput of stance.attribution.iter_statements: articles/s by pipeline, n_process and batch size.

Measures real-shaped news by default: the articles of ../shared/data/realnews (or
$STANCE_SHARED_DATA/realnews) replicated to --articles, each copy with a unique first line,
against that corpus's watchlist; when the folder is absent it says so and measures synthetic
~300-word articles only. The synthetic articles are measured too (unless --no-synthetic), so
the two figures can be compared. Each row gives its ratio to the first row of its corpus
(lean pipeline, n_process=1, first batch size), measured in the same run, and where the time
goes: spaCy's parse (nlp.pipe alone, timed separately) and extraction on the parse.

    python scripts/bench_extraction.py [--articles 200] [--batch-sizes 4 16 64] [--synthetic]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time

from stance.attribution import iter_statements, load_extraction_nlp
from stance.batch.synthetic import replicated_records
from stance.evaluation.attribution import shared_data_dir
from stance.nlp import load_nlp
from stance.records import Article
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
_SYNTHETIC_WATCHLIST = {"entities": [
    {"name": "Iran", "aliases": ["Iran", "Iranian", "Tehran"], "speakers": ["Abbas Araghchi"]},
    {"name": "Russia", "aliases": ["Russia", "Moscow", "Kremlin"], "speakers": ["Dmitry Peskov"]},
    {"name": "United States", "aliases": ["US", "Washington"], "speakers": ["Matthew Miller"]},
    {"name": "HTS", "aliases": ["rebels", "HTS", "new authorities"]},
]}


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


def real_shaped_articles(n: int) -> tuple[list[Article], Watchlist] | None:
    """Replicated realnews articles and their watchlist, or None when ../shared/data/realnews is absent."""
    root = shared_data_dir() / "realnews"
    if not (root / "articles.jsonl").is_file() or not (root / "watchlist.yaml").is_file():
        return None
    arts = [Article(id=r["id"], date=dt.date.fromisoformat(r["date"]), source=r.get("source", ""),
                    title=r.get("title", ""), text=r["text"]) for r in replicated_records(root, n)]
    return arts, Watchlist.from_yaml(root / "watchlist.yaml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[4, 16, 64])
    corpus = parser.add_mutually_exclusive_group()
    corpus.add_argument("--synthetic", action="store_true", help="synthetic articles only")
    corpus.add_argument("--no-synthetic", action="store_true", help="real-shaped articles only")
    args = parser.parse_args()

    corpora: list[tuple[str, list[Article], Watchlist]] = []
    if not args.synthetic:
        real = real_shaped_articles(args.articles)
        if real is None:
            print(f"real-shaped corpus skipped: {shared_data_dir() / 'realnews'} not found (set $STANCE_SHARED_DATA "
                  "to the folder holding realnews/); measuring synthetic articles only")
        else:
            corpora.append(("real-shaped", *real))
    if not args.no_synthetic or not corpora:
        corpora.append(("synthetic", synthetic_articles(args.articles), Watchlist.from_dict(_SYNTHETIC_WATCHLIST)))

    lean = load_extraction_nlp()  # tok2vec + tagger + parser + a tag->POS map: what extraction uses by default
    with_ner = load_extraction_nlp(ner=True)
    full = load_nlp(("lemmatizer",))  # spaCy's pipeline as shipped (attribute ruler, NER), for comparison
    print(f"lean pipeline: {', '.join(lean.pipe_names)}")
    try:
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
              "(other processes slow every row alike)")
    except OSError:
        pass

    for name, articles, watchlist in corpora:
        words = sum(len(a.text.split()) for a in articles) / len(articles)
        list(iter_statements(articles[:8], watchlist, nlp=lean))  # warm-up: model load, caches

        def measure(nlp, n_process: int, batch_size: int) -> tuple[float, int, float]:
            start, cpu = time.perf_counter(), time.process_time()
            n = sum(len(st) for _, st in iter_statements(articles, watchlist, nlp=nlp, n_process=n_process,
                                                         batch_size=batch_size))
            cpu = time.process_time() - cpu
            return len(articles) / (time.perf_counter() - start), n, cpu

        print(f"\n{name}: {len(articles)} articles, {words:.0f} words on average")
        baseline = None
        settings = [("lean", lean, n, b) for n in (1, 2) for b in args.batch_sizes]
        settings += [("lean+NER", with_ner, 1, args.batch_sizes[-1]), ("full", full, 1, args.batch_sizes[-1])]
        for label, nlp, n_process, batch_size in settings:
            if n_process == 1:  # the parse alone, to split the row's time into parse and extraction
                start = time.perf_counter()
                for _ in nlp.pipe((a.text for a in articles), batch_size=batch_size):
                    pass
                parse_s = time.perf_counter() - start
            rate, n_statements, cpu = measure(nlp, n_process, batch_size)
            baseline = baseline or rate
            total_s = len(articles) / rate
            # With one process, CPU time per article gives the rate of one core of its own, whatever the load.
            split = (f", {len(articles) / cpu:5.1f}/s per CPU-second; parse {100 * min(parse_s / total_s, 1):.0f}%, "
                     f"extraction {100 * max(1 - parse_s / total_s, 0):.0f}%" if n_process == 1 else "")
            print(f"{label:8s} n_process={n_process} batch_size={batch_size:4d}: {rate:6.1f} articles/s "
                  f"({rate * words:6.0f} words/s{split}; {n_statements} statements)  x{rate / baseline:.2f} vs first row")


if __name__ == "__main__":
    main()
