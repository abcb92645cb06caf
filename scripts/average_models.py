#!/usr/bin/env python
"""Average the weights of finished training runs into one model ("model soup"), recalibrated on their
shared held-out split. The shipped model is such a soup (its model card gives the members' commands):

    python scripts/average_models.py --output /tmp/stance-soup --same-data no /tmp/run-a /tmp/run-b
    python scripts/average_models.py --output /tmp/wise --wise-ft 0.5 /tmp/continued   # with its init_from

By default the runs must differ only in seed; --same-data no also averages runs trained on other data
(repeats, transfer sets, teacher files) that held out the same calibration sentences.
"""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from stance.soups import average_models, interpolate_models


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", type=Path, nargs="+", help="finished model folders (two or more)")
    ap.add_argument("--output", type=Path, required=True)
    ap.add_argument("--same-data", choices=("yes", "no"), default="yes",
                    help="yes: the runs differ only in seed; no: their training data may differ too")
    ap.add_argument("--wise-ft", type=float, metavar="WEIGHT",
                    help="give one continued fine-tuning: mix its weights with the model it started from "
                         "(WEIGHT of the tuned run, e.g. 0.5)")
    args = ap.parse_args(argv)
    if args.wise_ft is not None:
        if len(args.runs) != 1:
            ap.error("--wise-ft takes one model folder (a continued fine-tuning)")
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        out = interpolate_models(args.runs[0], args.output, weight=args.wise_ft)
        print(f"Model written to {out}")
        return 0
    if len(args.runs) < 2:
        ap.error("give two or more model folders to average")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    out = average_models(args.runs, args.output, same_data=args.same_data == "yes")
    print(f"Model written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
