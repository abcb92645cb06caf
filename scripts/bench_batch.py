#!/usr/bin/env python
"""Benchmark the batch path on synthetic ~300-word articles with quoted and reported speech.

    python scripts/bench_batch.py                       # N = 1000 and 10000
    python scripts/bench_batch.py --sizes 200 --workers 2

For each N it runs the batch path in a fresh child process and prints articles/s,
statements/s, peak RSS of the whole process tree (sampled with psutil, workers included)
and where the time goes. Baseline measured in the same run: ``pipeline.score_articles``
(no shards, cache or dedup) on the first --baseline-size articles, in one process; ratios
are batch / baseline. A rerun of the smallest N against the warm cache is timed too.
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
                         shard_size=ns.shard_size, workers=ns.workers, n_process=ns.n_process, cache=ns.cache)
    t0 = time.perf_counter()
    summary = run_batch(config)
    result = summary.as_dict()
    result["elapsed_s"] = time.perf_counter() - t0  # includes loading spaCy and the model
    result["cpu_s"] = _cpu_seconds()
    print(json.dumps(result, default=str))


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (pool workers are joined by then)."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    p.add_argument("--workers", type=int, default=2, help="scoring processes (default 2: one per core)")
    p.add_argument("--n-process", type=int, default=1, help="spaCy processes per shard")
    p.add_argument("--shard-size", type=int, default=250)
    p.add_argument("--baseline-size", type=int, default=200)
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

    from stance.batch.synthetic import write_corpus

    work = ns.workdir or Path(tempfile.mkdtemp(prefix="bench_batch_"))
    common = ["--shard-size", str(ns.shard_size), "--workers", str(ns.workers), "--n-process", str(ns.n_process)]
    print(f"workdir {work}; workers={ns.workers} n_process={ns.n_process} shard_size={ns.shard_size}; "
          f"cpus={os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")
    results = []
    for n in ns.sizes:
        corpus = work / f"corpus-{n}"
        if not (corpus / "watchlist.yaml").exists():
            write_corpus(corpus, n, files=max(1, n // 2000))
        out = work / f"out-{n}"
        res, peak = run_child(["--corpus", str(corpus), "--out", str(out), "--cache", str(out / "cache.sqlite"),
                               "--what", "batch", *common])
        results.append((n, res, peak, corpus, out))

    n0, _, _, corpus0, out0 = results[0]
    base, base_peak = run_child(["--what", "baseline", "--corpus", str(corpus0), "--n", str(min(ns.baseline_size, n0))])
    base_rate = base["read"] / base["elapsed_s"]
    warm, warm_peak = run_child(["--corpus", str(corpus0), "--out", str(work / f"out-{n0}-warm"),
                                 "--cache", str(out0 / "cache.sqlite"), "--what", "batch", *common])

    base_cpu = base["cpu_s"] / base["read"]
    print(f"\nbaseline pipeline.score_articles, 1 process, {base['read']} articles: {base_rate:.1f} articles/s, "
          f"{base['statements'] / base['elapsed_s']:.1f} statements/s, {1000 * base_cpu:.0f} ms CPU per article "
          f"(model loading included), peak RSS {base_peak / 2**20:.0f} MiB")
    print("(wall-clock ratios move with the machine's load; CPU-per-article ratios much less)")
    for n, res, peak, _, _ in results:
        rate = res["read"] / res["elapsed_s"]
        print(f"\nN={n}: {rate:.1f} articles/s ({rate / base_rate:.2f}x baseline), "
              f"{res['statements'] / res['elapsed_s']:.1f} statements/s, {res['statements']} statements, "
              f"{res['duplicates']} near-duplicates, wall {res['elapsed_s']:.1f} s (model loading included), "
              f"peak RSS {peak / 2**20:.0f} MiB (process tree; per process: {res['peaks']} MiB)")
        per_article = res["cpu_s"] / res["read"]
        print(f"  CPU {res['cpu_s']:.0f} s = {1000 * per_article:.0f} ms per article "
              f"({per_article / base_cpu:.2f}x baseline); on {ns.workers} otherwise idle "
              f"cores that is at most {ns.workers / per_article:.1f} articles/s "
              f"(this machine's load average now: {os.getloadavg()[0]:.1f})")
        timings = res["timings"]
        total = sum(timings.values()) or 1.0
        print("  time by stage (seconds summed over workers): " +
              ", ".join(f"{k} {v:.1f} ({100 * v / total:.0f}%)" for k, v in timings.items()))
    warm_rate = warm["read"] / warm["elapsed_s"]
    print(f"\nwarm-cache rerun of N={n0}: {warm['scored']} scored, {warm['cached']} from cache, "
          f"{warm_rate:.1f} articles/s ({warm_rate / base_rate:.1f}x baseline), peak RSS {warm_peak / 2**20:.0f} MiB "
          f"({warm['peaks']} MiB)")


if __name__ == "__main__":
    main()
