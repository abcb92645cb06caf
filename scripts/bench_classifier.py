#!/usr/bin/env python
"""Benchmark the stance classifier on the same texts, three ways, in one run:

  (a) transformers pipeline("text-classification"), one pair at a time (the baseline),
  (b) StanceClassifier torch fp32, length-sorted batches,
  (c) StanceClassifier ONNX Runtime int8 (the default fast path).

Each mode runs in its own subprocess so peak RSS (resource.getrusage) is per mode.
Also prints label agreement of (c) and (a) with (b), the fp32 reference.

    python scripts/bench_classifier.py --n 1141 --threads 2 --rounds 3
    python scripts/bench_classifier.py --device cuda --batch-size 128   # optional GPU: (a) and (b) on it

With ``--device cuda`` the pipeline and torch modes run on the GPU and (c) stays on the CPU (the
int8 graph is CPU-only), so the table compares a GPU with the CPU fast path; peak GPU memory is
printed too.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

from stance.classifier import DEFAULT_BATCH_SIZE


def load_pairs(n: int) -> tuple[list[str], list[str]]:
    from stance.evaluation.stance_eval import default_datasets

    targets, texts = [], []
    for name, (path, loader) in default_datasets().items():
        if path.is_file() and name not in ("vast_dev", "realnews_gold"):
            ds = loader(path, name)
            targets += ds.targets
            texts += ds.texts
    if not texts:  # no shared data: synthetic but varied sentences
        for i in range(n):
            targets.append("the government")
            texts.append(f"The minister said talks with the government were {'useful ' * (i % 7)}and would go on.")
    return targets[:n], texts[:n]


def run_mode(mode: str, n: int, threads: int, batch_size: int, device: str = "cpu") -> dict:
    import torch

    torch.set_num_threads(threads)
    os.environ["STANCE_NUM_THREADS"] = str(threads)
    from stance.classifier import LABELS, StanceClassifier

    targets, texts = load_pairs(n)
    if mode == "pipeline":
        from transformers import pipeline

        clf = StanceClassifier.from_pretrained(backend="torch", device=device)
        pipe = pipeline("text-classification", model=clf._torch_model, tokenizer=clf.tokenizer,
                        device=torch.device(device))
        pipe({"text": targets[0], "text_pair": texts[0]})  # warm-up
        start = time.perf_counter()
        labels = [pipe({"text": t, "text_pair": clf.model_texts([t], [x])[0]}, truncation="only_second",
                       max_length=clf.max_length)["label"] for t, x in zip(targets, texts)]
        elapsed = time.perf_counter() - start
    else:
        clf = (StanceClassifier.from_pretrained(backend="torch", device=device) if mode == "torch"
               else StanceClassifier.from_pretrained(backend="onnx"))
        clf.predict(targets[:8], texts[:8])  # warm-up
        start = time.perf_counter()
        labels = [p.label for p in clf.predict(targets, texts, batch_size=batch_size)]
        elapsed = time.perf_counter() - start
    labels = [LABELS[int(l.split("_")[-1])] if l.startswith("LABEL_") else l for l in labels]
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    gpu_mb = torch.cuda.max_memory_allocated() / 2**20 if torch.cuda.is_available() else 0.0
    return {"mode": mode, "n": len(texts), "seconds": elapsed, "texts_per_s": len(texts) / elapsed,
            "peak_rss_mb": rss_kb / 1024, "peak_gpu_mb": gpu_mb, "labels": labels}


def machine_line() -> str:
    """CPU and library versions: the ratios depend on both (see the model card), so print them with the figures."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    versions = []
    for package in ("torch", "transformers", "onnxruntime"):
        try:
            versions.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package} missing")
    return f"machine: {cpu}, {os.cpu_count()} logical CPUs; {', '.join(versions)}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; each mode keeps its fastest")
    ap.add_argument("--device", default="cpu", help="torch device for modes (a) and (b), e.g. cuda (optional)")
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.n, args.threads, args.batch_size, args.device)))
        return
    # Rounds interleave the modes, and each mode keeps its fastest round (as timeit does): other
    # load on the machine only ever slows a run down, and it slows all modes alike this way.
    results: dict[str, dict] = {}
    for _ in range(args.rounds):
        for mode in ("pipeline", "torch", "onnx"):
            proc = subprocess.run([sys.executable, __file__, "--mode", mode, "--n", str(args.n),
                                   "--threads", str(args.threads), "--batch-size", str(args.batch_size),
                                   "--device", args.device],
                                  capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                sys.exit(f"mode {mode} failed:\n{proc.stderr[-3000:]}")
            run = json.loads(proc.stdout.strip().splitlines()[-1])
            best = results.get(mode)
            if best is None or run["texts_per_s"] > best["texts_per_s"]:
                results[mode] = {**run, "peak_rss_mb": max(run["peak_rss_mb"], best["peak_rss_mb"] if best else 0)}
    base = results["pipeline"]["texts_per_s"]
    ref = results["torch"]["labels"]
    print(f"{'mode':<46}{'texts/s':>10}{'x (a)':>8}{'peak RSS MB':>13}{'agree fp32':>12}")
    on = "" if args.device == "cpu" else f" [{args.device}]"
    names = {"pipeline": f"(a) HF pipeline, one at a time{on}", "torch": f"(b) torch fp32, sorted batches{on}",
             "onnx": "(c) ONNX int8, sorted batches [cpu]" if on else "(c) ONNX int8, sorted batches"}
    for mode, r in results.items():
        agree = sum(a == b for a, b in zip(r["labels"], ref)) / len(ref)
        print(f"{names[mode]:<46}{r['texts_per_s']:>10.1f}{r['texts_per_s'] / base:>8.2f}"
              f"{r['peak_rss_mb']:>13.0f}{agree:>12.3f}")
    print(f"n={results['onnx']['n']} pairs, threads={args.threads}, batch_size={args.batch_size}, "
          f"best of {args.rounds} interleaved rounds")
    if on:
        print("peak GPU memory MB: " + ", ".join(f"{m} {results[m]['peak_gpu_mb']:.0f}" for m in ("pipeline", "torch")))
    print(machine_line())


if __name__ == "__main__":
    main()
