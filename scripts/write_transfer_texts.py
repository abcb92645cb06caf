"""Gather unlabelled news articles into one folder for ``scripts/train_teacher.py --transfer-texts``.

    python scripts/write_transfer_texts.py --output /tmp/transfer-texts \
        --text-folder ../shared/data/polnear/train/text --persent ../shared/data/persent/dev.csv

Folders of .txt articles are linked (``polnear_<file>.txt``), PerSenT documents written as
``persent_<DOCUMENT_INDEX>.txt``. The model card's transfer-set runs name the sources they used.
"""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from stance.teacher import write_transfer_texts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output", type=Path, required=True)
    ap.add_argument("--text-folder", type=Path, action="append", default=[], help="a folder of .txt articles (repeatable)")
    ap.add_argument("--persent", type=Path, action="append", default=[], help="a PerSenT CSV (repeatable)")
    args = ap.parse_args(argv)
    if not args.text_folder and not args.persent:
        ap.error("give at least one --text-folder or --persent")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    written = write_transfer_texts(args.output, text_folders=args.text_folder, persent_csvs=args.persent)
    print(f"{len(written)} texts in {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
