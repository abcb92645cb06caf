"""Check a diplomatic stance set (data/diplomatic/*.jsonl) and print its counts.

Usage:
    python scripts/check_diplomatic_set.py data/diplomatic/dev.jsonl
    python scripts/check_diplomatic_set.py data/diplomatic/dev.jsonl --disjoint-from data/diplomatic/train_a.jsonl

Checks: valid JSON per line, required keys, label in against|neutral|favor, known phenomenon,
target occurring verbatim in text, 12-50 words, unique ids and texts, label shares within
28-40%. With --disjoint-from, also fails when a (normalised) text or a (text, target) pair of
the checked file also occurs in the other files, so a dev set cannot leak into training.
Exit status 1 when any check fails.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

LABELS = ("against", "neutral", "favor")
PHENOMENA = (
    "designation", "threat", "condolence", "conditional_engagement", "sarcasm", "negation", "hedge",
    "contrast", "praise", "condemnation", "procedural", "demand", "recognition",
)
KEYS = ("id", "text", "target", "label", "actor", "phenomenon")
MIN_WORDS, MAX_WORDS = 12, 50
MIN_SHARE, MAX_SHARE = 0.28, 0.40


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def read_rows(path: Path) -> tuple[list[dict], list[str]]:
    rows, errors = [], []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{path}:{n}: not JSON ({exc})")
            continue
        missing = [k for k in KEYS if not isinstance(row.get(k), str) or not row[k].strip()]
        if missing:
            errors.append(f"{path}:{n}: missing or empty {missing}")
            continue
        row["_where"] = f"{path}:{n}"
        rows.append(row)
    return rows, errors


def check(rows: list[dict]) -> list[str]:
    errors = []
    for row in rows:
        where = row["_where"]
        if row["label"] not in LABELS:
            errors.append(f"{where}: label {row['label']!r} not in {LABELS}")
        if row["phenomenon"] not in PHENOMENA:
            errors.append(f"{where}: phenomenon {row['phenomenon']!r} not in {PHENOMENA}")
        if row["target"] not in row["text"]:
            errors.append(f"{where}: target {row['target']!r} does not occur verbatim in text")
        words = len(row["text"].split())
        if not MIN_WORDS <= words <= MAX_WORDS:
            errors.append(f"{where}: {words} words, expected {MIN_WORDS}-{MAX_WORDS}")
    for key, what in (("id", "id"), ("_pair", "text+target")):
        seen: dict[str, str] = {}
        for row in rows:
            value = row["id"] if key == "id" else _norm(row["text"]) + "\t" + row["target"]
            if value in seen:
                errors.append(f"{row['_where']}: duplicate {what} (first at {seen[value]})")
            seen.setdefault(value, row["_where"])
    counts = Counter(row["label"] for row in rows)
    for label in LABELS:
        share = counts[label] / max(len(rows), 1)
        if not MIN_SHARE <= share <= MAX_SHARE:
            errors.append(f"label {label!r} is {share:.1%} of rows, expected {MIN_SHARE:.0%}-{MAX_SHARE:.0%}")
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--disjoint-from", type=Path, nargs="*", default=[],
                        help="files that must share no text with PATH (e.g. the training sets)")
    args = parser.parse_args(argv)

    rows, errors = read_rows(args.path)
    errors += check(rows)
    own_texts = {_norm(r["text"]): r["_where"] for r in rows}
    for other in args.disjoint_from:
        other_rows, other_errors = read_rows(other)
        errors += other_errors
        shared = [own_texts[_norm(r["text"])] for r in other_rows if _norm(r["text"]) in own_texts]
        if shared:
            errors.append(f"{len(shared)} texts of {args.path} also occur in {other}, e.g. {shared[:3]}")

    print(f"{args.path}: {len(rows)} rows")
    for name, key in (("label", "label"), ("phenomenon", "phenomenon")):
        counts = Counter(r[key] for r in rows)
        print(f"by {name}: " + ", ".join(f"{k}={v} ({v / max(len(rows), 1):.1%})" for k, v in counts.most_common()))
    by_pair = Counter((r["phenomenon"], r["label"]) for r in rows)
    print("phenomenon x label: " + ", ".join(f"{p}/{l}={v}" for (p, l), v in sorted(by_pair.items())))
    print(f"distinct actors: {len({r['actor'] for r in rows})}, distinct targets: {len({r['target'] for r in rows})}")
    words = [len(r["text"].split()) for r in rows]
    if words:
        print(f"words per text: min {min(words)}, mean {sum(words) / len(words):.1f}, max {max(words)}")
    for error in errors:
        print("ERROR", error, file=sys.stderr)
    print("OK" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
