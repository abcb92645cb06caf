#!/usr/bin/env python
"""Benchmark the batch path on real-shaped news (and, for comparison, synthetic articles).

    python scripts/bench_batch.py --real-shaped --sizes 1000 10000   # the default corpus
    python scripts/bench_batch.py --sizes 200 --workers 2
    python scripts/bench_batch.py --synthetic                       # synthetic ~300-word articles only

Real-shaped: the articles of ../shared/data/realnews (or $STANCE_SHARED_DATA/realnews)
replicated to N, each copy with a unique first line so nothing is a cache hit, scored against
that corpus's watchlist. When the folder is absent the script says so and measures the
synthetic corpus only. Unless --synthetic or --no-synthetic is given, the synthetic corpus is
also measured at the smallest N, so the two figures can be compared.

For each N it runs the batch path in a fresh child process and prints articles/s,
statements/s, peak RSS of the whole process tree (sampled with psutil, workers included)
and where the time goes (parse, extraction, classifier, cache, writing, loading). Baseline
measured in the same run: ``pipeline.score_articles`` (no shards, cache or dedup) on the
first --baseline-size articles, in one process; ratios are batch / baseline. A rerun of the
smallest N against the warm cache is timed too.

Last, the machine-independent figure: CPU seconds of a one-process end-to-end ``stance score``
(the whole process tree, loading and thread spin included) against CPU seconds of a bare parse
of the same --cpu-articles texts by the project's spaCy pipeline
(``stance.attribution.load_extraction_nlp``, also a whole process), interleaved, best of two.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def _tree_rss(proc, per_process: dict[int, tuple[str, int]]) -> int:
    import psutil

    total = 0
    for p in [proc] + proc.children(recursive=True):
        try:
            rss = p.memory_info().rss
        except psutil.Error:
            continue
        total += rss
        role = "driver" if p.pid == proc.pid else "worker"
        per_process[p.pid] = (role, max(rss, per_process.get(p.pid, ("", 0))[1]))
    return total


def run_child(args: list[str]) -> tuple[dict, float]:
    """Run this script in --child mode; return its JSON result and the tree's peak RSS (bytes).

    The result gains ``peaks``: each process's own peak RSS in MiB, largest first."""
    import psutil

    proc = subprocess.Popen([sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE)
    ps = psutil.Process(proc.pid)
    peak = 0
    per_process: dict[int, tuple[str, int]] = {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, _tree_rss(ps, per_process))
            except Exception:  # noqa: BLE001 - the process may be gone
                pass
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"child failed ({proc.returncode}): {' '.join(args)}")
    result = json.loads(out.decode().strip().splitlines()[-1])
    big = sorted(per_process.values(), key=lambda item: -item[1])[:4]
    result["peaks"] = ", ".join(f"{role} {rss / 2**20:.0f}" for role, rss in big)
    return result, peak


def child(ns: argparse.Namespace) -> None:
    import logging

    logging.basicConfig(level=logging.WARNING)
    if ns.what == "parse":  # a bare parse by the extraction pipeline: the floor end-to-end scoring is held to
        from stance.attribution import load_extraction_nlp
        from stance.ingest import read_articles

        nlp = load_extraction_nlp()
        texts = [a.text for a in read_articles([ns.corpus])]
        t0 = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=ns.spacy_batch_size))
        print(json.dumps({"read": len(texts), "tokens": tokens, "elapsed_s": time.perf_counter() - t0,
                          "cpu_s": _cpu_seconds()}))
        return
    if ns.what == "baseline":
        from itertools import islice

        from stance.classifier import StanceClassifier
        from stance.ingest import read_articles
        from stance.pipeline import score_articles
        from stance.watchlist import Watchlist

        watchlist = Watchlist.from_yaml(ns.corpus / "watchlist.yaml")
        classifier = StanceClassifier.from_pretrained(None)
        articles = list(islice(read_articles([ns.corpus]), ns.n))
        t0 = time.perf_counter()
        rows = sum(1 for _ in score_articles(articles, watchlist, classifier))
        elapsed = time.perf_counter() - t0
        print(json.dumps({"read": len(articles), "statements": rows, "elapsed_s": elapsed, "cpu_s": _cpu_seconds()}))
        return
    from stance.batch import BatchConfig, run_batch

    config = BatchConfig(inputs=(ns.corpus,), out_dir=ns.out, watchlist=ns.corpus / "watchlist.yaml",
                         shard_size=ns.shard_size, workers=ns.workers, n_process=ns.n_process, cache=ns.cache,
                         spacy_batch_size=ns.spacy_batch_size, actors_only=ns.actors_only)
    t0 = time.perf_counter()
    summary = run_batch(config)
    result = summary.as_dict()
    result["elapsed_s"] = time.perf_counter() - t0  # includes loading spaCy and the model
    result["cpu_s"] = _cpu_seconds()
    print(json.dumps(result, default=str))


def timed_process(command: list[str]) -> tuple[float, float, str]:
    """Run ``command``; its wall seconds, the CPU seconds of its whole process tree (user + system,
    every thread and every descendant that was waited for) and its stdout."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def cpu_ratio(corpus: Path, work: Path, *, spacy_batch_size: int, extra: list[str], rounds: int = 2) -> dict:
    """End-to-end ``stance score`` (one process) against a bare parse of the same texts, interleaved;
    best (lowest CPU) of ``rounds`` each."""
    score_cmd = [sys.executable, "-c", "import sys; from stance.cli import main; sys.exit(main())", "score",
                 str(corpus), "--watchlist", str(corpus / "watchlist.yaml"), *extra]
    parse_cmd = [sys.executable, __file__, "--child", "--what", "parse", "--corpus", str(corpus),
                 "--spacy-batch-size", str(spacy_batch_size)]
    best: dict[str, tuple[float, float]] = {}
    for r in range(rounds):
        for name, cmd in (("parse", parse_cmd), ("score", [*score_cmd, "--out", str(work / f"score-{r}")])):
            wall, cpu, _ = timed_process(cmd)
            if name not in best or cpu < best[name][1]:
                best[name] = (wall, cpu)
    return best


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (pool workers are joined by then)."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def real_source() -> Path | None:
    """../shared/data/realnews (or $STANCE_SHARED_DATA/realnews), when it is there."""
    from stance.evaluation.attribution import shared_data_dir

    root = shared_data_dir() / "realnews"
    return root if (root / "articles.jsonl").is_file() and (root / "watchlist.yaml").is_file() else None


def make_corpus(work: Path, kind: str, n: int) -> Path:
    from stance.batch.synthetic import write_corpus, write_replicated_corpus

    corpus = work / f"{kind}-{n}"
    if not (corpus / "watchlist.yaml").exists():
        if kind == "real-shaped":
            write_replicated_corpus(corpus, n, real_source(), files=max(1, n // 2000))
        else:
            write_corpus(corpus, n, files=max(1, n // 2000))
    return corpus


def _stages(timings: dict[str, float]) -> str:
    total = sum(timings.values()) or 1.0
    return ", ".join(f"{k} {v:.1f} ({100 * v / total:.0f}%)" for k, v in timings.items())


def main() -> None:
    # each figure as soon as it is measured: a long run redirected to a file and stopped keeps what it printed
    sys.stdout.reconfigure(line_buffering=True)
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    corpus = p.add_mutually_exclusive_group()
    corpus.add_argument("--real-shaped", action="store_true",
                        help="replicated ../shared/data/realnews articles (the default when present)")
    corpus.add_argument("--synthetic", action="store_true", help="synthetic ~300-word articles only")
    p.add_argument("--no-synthetic", action="store_true", help="skip the synthetic comparison at the smallest N")
    p.add_argument("--workers", type=int, default=2, help="scoring processes (default 2: one per core)")
    p.add_argument("--n-process", type=int, default=1, help="spaCy processes per shard")
    p.add_argument("--shard-size", type=int, default=250)
    p.add_argument("--spacy-batch-size", type=int, default=16, help="documents per nlp.pipe batch")
    p.add_argument("--baseline-size", type=int, default=200)
    p.add_argument("--cpu-articles", type=int, default=300,
                   help="articles for the CPU figure, stance score vs a bare parse (0: skip it)")
    p.add_argument("--actors-only", action="store_true",
                   help="also run the smallest N with BatchConfig(actors_only=True) and compare")
    p.add_argument("--workdir", type=Path, help="keep corpora and outputs here (default: a temporary folder)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--what", default="batch", help=argparse.SUPPRESS)
    p.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    ns = p.parse_args()
    if ns.child:
        child(ns)
        return

    kind = "synthetic" if ns.synthetic else "real-shaped"
    if kind == "real-shaped" and real_source() is None:
        from stance.evaluation.attribution import shared_data_dir

        print(f"real-shaped corpus skipped: {shared_data_dir() / 'realnews'} not found (set $STANCE_SHARED_DATA "
              "to the folder holding realnews/); measuring synthetic articles only")
        kind = "synthetic"
    work = ns.workdir or Path(tempfile.mkdtemp(prefix="bench_batch_"))
    common = ["--shard-size", str(ns.shard_size), "--workers", str(ns.workers), "--n-process", str(ns.n_process),
              "--spacy-batch-size", str(ns.spacy_batch_size)]
    print(f"workdir {work}; {kind} corpus; workers={ns.workers} n_process={ns.n_process} "
          f"shard_size={ns.shard_size} spacy_batch_size={ns.spacy_batch_size}; cpus={os.cpu_count()} "
          f"({_cpu_model()}); load average {os.getloadavg()[0]:.1f}")

    def batch(corpus: Path, out: Path, cache: Path, *extra: str) -> tuple[dict, float]:
        return run_child(["--corpus", str(corpus), "--out", str(out), "--cache", str(cache), "--what", "batch",
                          *common, *extra])

    runs = [(kind, n) for n in ns.sizes]
    if kind == "real-shaped" and not ns.no_synthetic:
        runs.append(("synthetic", min(ns.sizes)))
    print("\n(wall-clock ratios move with the machine's load; CPU-per-article ratios much less)")
    # Baselines first, so that each run's figures print the moment it ends: a long run that is
    # stopped keeps what it measured.
    baselines = {}
    for run_kind in dict.fromkeys(r[0] for r in runs):
        n0 = min(n for k, n in runs if k == run_kind)
        corpus0 = make_corpus(work, run_kind, n0)
        base, base_peak = baselines[run_kind] = run_child(["--what", "baseline", "--corpus", str(corpus0),
                                                           "--n", str(min(ns.baseline_size, n0))])
        base_rate, base_cpu = base["read"] / base["elapsed_s"], base["cpu_s"] / base["read"]
        print(f"baseline ({run_kind}) pipeline.score_articles, 1 process, {base['read']} articles: "
              f"{base_rate:.1f} articles/s, {base['statements'] / base['elapsed_s']:.1f} statements/s, "
              f"{base['statements'] / base['read']:.1f} rows per article, {1000 * base_cpu:.0f} ms CPU per article "
              f"(model loading included), peak RSS {base_peak / 2**20:.0f} MiB")
    first = None
    for run_kind, n in runs:
        corpus = make_corpus(work, run_kind, n)
        out = work / f"out-{run_kind}-{n}"
        res, peak = batch(corpus, out, out / "cache.sqlite")
        first = first or (n, corpus, out, res)
        base = baselines[run_kind][0]
        base_rate, base_cpu = base["read"] / base["elapsed_s"], base["cpu_s"] / base["read"]
        rate = res["read"] / res["elapsed_s"]
        print(f"\n{run_kind} N={n}: {rate:.1f} articles/s ({rate / base_rate:.2f}x baseline), "
              f"{res['statements'] / res['elapsed_s']:.1f} statements/s, {res['statements']} statements "
              f"({res['statements'] / max(res['read'], 1):.1f} per article), "
              f"{res['duplicates']} near-duplicates, wall {res['elapsed_s']:.1f} s (model loading included), "
              f"peak RSS {peak / 2**20:.0f} MiB (process tree; per process: {res['peaks']} MiB)")
        per_article = res["cpu_s"] / res["read"]
        print(f"  CPU {res['cpu_s']:.0f} s = {1000 * per_article:.0f} ms per article "
              f"({per_article / base_cpu:.2f}x baseline); on {ns.workers} otherwise idle "
              f"cores that is at most {ns.workers / per_article:.1f} articles/s "
              f"(this machine's load average now: {os.getloadavg()[0]:.1f})")
        print("  time by stage (seconds summed over workers): " + _stages(res["timings"]))

    n0, corpus0, out0, res0 = first
    base_rate = baselines[kind][0]["read"] / baselines[kind][0]["elapsed_s"]
    warm, warm_peak = batch(corpus0, work / f"out-{kind}-{n0}-warm", out0 / "cache.sqlite")
    warm_rate = warm["read"] / warm["elapsed_s"]
    print(f"\nwarm-cache rerun of {kind} N={n0}: {warm['scored']} scored, {warm['cached']} from cache, "
          f"{warm_rate:.1f} articles/s ({warm_rate / base_rate:.1f}x baseline), peak RSS {warm_peak / 2**20:.0f} MiB "
          f"({warm['peaks']} MiB); time by stage: " + _stages(warm["timings"]))
    if ns.actors_only:
        out = work / f"out-{kind}-{n0}-actors-only"
        actors, actors_peak = batch(corpus0, out, out / "cache.sqlite", "--actors-only")
        rate, actors_rate = res0["read"] / res0["elapsed_s"], actors["read"] / actors["elapsed_s"]
        print(f"\nactors_only {kind} N={n0}: {actors_rate:.1f} articles/s against {rate:.1f} scoring every row "
              f"({actors_rate / rate:.2f}x), CPU {actors['cpu_s']:.0f} s against {res0['cpu_s']:.0f} s "
              f"({res0['cpu_s'] / actors['cpu_s']:.2f}x less), peak RSS {actors_peak / 2**20:.0f} MiB; "
              "time by stage: " + _stages(actors["timings"]))

    if ns.cpu_articles > 0:
        corpus = make_corpus(work, kind, ns.cpu_articles)
        best = cpu_ratio(corpus, work / f"cpu-{kind}-{ns.cpu_articles}", spacy_batch_size=ns.spacy_batch_size,
                         extra=[])
        (p_wall, p_cpu), (s_wall, s_cpu) = best["parse"], best["score"]
        n = ns.cpu_articles
        print(f"\nCPU figure ({kind}, {n} articles, whole processes with imports and model loading, interleaved, "
              f"best of 2): `stance score` {s_cpu:.1f} CPU s ({s_wall:.1f} s wall, {n / s_wall:.1f} articles/s) "
              f"against a bare parse by load_extraction_nlp() {p_cpu:.1f} CPU s ({p_wall:.1f} s wall, "
              f"{n / p_wall:.1f} articles/s): {s_cpu / p_cpu:.2f}x")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
