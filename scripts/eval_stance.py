#!/usr/bin/env python
"""Print the stance evaluation table (classifier vs majority and TF-IDF baselines); `stance eval stance` as a script.

    python scripts/eval_stance.py                      # shipped model, auto backend
    python scripts/eval_stance.py --model /tmp/run --backend torch
    python scripts/eval_stance.py --late-mentions      # also NewsMTSC dev with each target past 128 tokens
    python scripts/eval_stance.py --errors /tmp/errors.tsv   # the classifier's wrong rows, for error analysis
"""
from __future__ import annotations

import argparse
import logging

from stance.evaluation.stance_eval import stance_eval_report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None)
    ap.add_argument("--backend", default="auto", choices=["auto", "onnx", "torch"])
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--late-mentions", action="store_true",
                    help="add the NewsMTSC dev sets with ~130 words of other dev sentences before each sentence")
    ap.add_argument("--errors", default=None,
                    help="write the classifier's wrong rows (TSV) to this file, outside the repository")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    print(stance_eval_report(args.model, backend=args.backend, late_mentions=args.late_mentions,
                             markdown=args.markdown, errors_path=args.errors))


if __name__ == "__main__":
    main()
