#!/usr/bin/env python
"""Print the stance evaluation table (classifier vs majority and TF-IDF baselines).

    python scripts/eval_stance.py                      # shipped model, auto backend
    python scripts/eval_stance.py --model /tmp/run --backend torch
    python scripts/eval_stance.py --late-mentions      # also NewsMTSC dev with each target past 128 tokens
"""
from __future__ import annotations

import argparse
import logging

import pandas as pd

from stance.classifier import StanceClassifier
from stance.evaluation.stance_eval import default_datasets, evaluate_stance


def _markdown(table: pd.DataFrame) -> str:
    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None)
    ap.add_argument("--backend", default="auto", choices=["auto", "onnx", "torch"])
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--late-mentions", action="store_true",
                    help="add the NewsMTSC dev sets with ~130 words of other dev sentences before each sentence")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    clf = StanceClassifier.from_pretrained(args.model, backend=args.backend)
    table = evaluate_stance(clf, datasets=default_datasets(late_mentions=args.late_mentions))
    print(f"model {clf.path} version {clf.version} backend {clf.backend}")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(_markdown(table) if args.markdown else table.to_string(index=False))


if __name__ == "__main__":
    main()
