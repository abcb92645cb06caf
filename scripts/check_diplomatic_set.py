"""Check a stance set we wrote (data/diplomatic/*.jsonl, data/multitarget/*.jsonl) and print its counts.

Usage:
    python scripts/check_diplomatic_set.py data/diplomatic/dev.jsonl
    python scripts/check_diplomatic_set.py data/diplomatic/dev.jsonl --disjoint-from data/diplomatic/train_a.jsonl
    python scripts/check_diplomatic_set.py data/multitarget/train_a.jsonl --multi-target

Checks: valid JSON per line, required keys, label in against|neutral|favor, known phenomenon,
target occurring verbatim in text, 12-50 words, unique ids and texts, label shares within
28-40%. With --disjoint-from, also fails when a (normalised) text or a (text, target) pair of
the checked file also occurs in the other files, so a dev set cannot leak into training.
With --inferred (data/diplomatic_speaker/train_inferred.jsonl: statements whose target is implied,
not named), the target must NOT occur in the text.
With --multi-target (news sentences about several targets): no actor field, every text has at
least two targets, each occurring exactly once in it, and at least half of the texts are
contrastive (their targets carry different labels).
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
    "accusation", "cooperation", "fact",  # data/diplomatic_speaker (issue #31)
)
MULTI_TARGET_PHENOMENA = (
    "contrast", "comparison", "reported_criticism", "concession", "shared_praise", "shared_blame",
    "neutral_mention", "sarcasm", "negation", "hedge",
)
KEYS = ("id", "text", "target", "label", "actor", "phenomenon")
MULTI_TARGET_KEYS = ("id", "text", "target", "label", "phenomenon")
MIN_WORDS, MAX_WORDS = 12, 50
MIN_SHARE, MAX_SHARE = 0.28, 0.40


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def read_rows(path: Path, keys: tuple[str, ...] = KEYS) -> tuple[list[dict], list[str]]:
    rows, errors = [], []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{path}:{n}: not JSON ({exc})")
            continue
        missing = [k for k in keys if not isinstance(row.get(k), str) or not row[k].strip()]
        if missing:
            errors.append(f"{path}:{n}: missing or empty {missing}")
            continue
        row["_where"] = f"{path}:{n}"
        rows.append(row)
    return rows, errors


def check(rows: list[dict], phenomena: tuple[str, ...] = PHENOMENA, *, inferred: bool = False) -> list[str]:
    errors = []
    for row in rows:
        where = row["_where"]
        if row["label"] not in LABELS:
            errors.append(f"{where}: label {row['label']!r} not in {LABELS}")
        if row["phenomenon"] not in phenomena:
            errors.append(f"{where}: phenomenon {row['phenomenon']!r} not in {phenomena}")
        if inferred and row["target"] in row["text"]:
            errors.append(f"{where}: target {row['target']!r} occurs in the text of an inferred-target row")
        elif not inferred and row["target"] not in row["text"]:
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


def check_multi_target(rows: list[dict]) -> list[str]:
    """Each text names two or more targets, once each; most texts give them different labels."""
    errors, labels_by_text = [], {}
    for row in rows:
        occurrences = row["text"].count(row["target"])
        if occurrences > 1:
            errors.append(f"{row['_where']}: target {row['target']!r} occurs {occurrences} times; "
                          "use a longer, unique mention")
        labels_by_text.setdefault(row["text"], []).append(row["label"])
    for text, labels in labels_by_text.items():
        if len(labels) < 2:
            errors.append(f"text with a single target: {text[:80]!r}")
    contrastive = sum(len(set(labels)) > 1 for labels in labels_by_text.values())
    if contrastive < len(labels_by_text) / 2:
        errors.append(f"only {contrastive} of {len(labels_by_text)} texts are contrastive, expected at least half")
    print(f"texts: {len(labels_by_text)}, contrastive: {contrastive}")
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--disjoint-from", type=Path, nargs="*", default=[],
                        help="files that must share no text with PATH (e.g. the training sets)")
    parser.add_argument("--multi-target", action="store_true",
                        help="a multi-target news set (data/multitarget/): no actor, two or more targets per text")
    parser.add_argument("--inferred", action="store_true",
                        help="rows whose target is implied, not named: the target must not occur in the text")
    args = parser.parse_args(argv)
    keys = MULTI_TARGET_KEYS if args.multi_target else KEYS

    rows, errors = read_rows(args.path, keys)
    if args.multi_target:
        errors += check(rows, MULTI_TARGET_PHENOMENA) + check_multi_target(rows)
    else:
        errors += check(rows, inferred=args.inferred)
    own_texts = {_norm(r["text"]): r["_where"] for r in rows}
    for other in args.disjoint_from:
        other_rows, other_errors = read_rows(other, keys)
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
    print(f"distinct actors: {len({r.get('actor') for r in rows})}, distinct targets: {len({r['target'] for r in rows})}")
    words = [len(r["text"].split()) for r in rows]
    if words:
        print(f"words per text: min {min(words)}, mean {sum(words) / len(words):.1f}, max {max(words)}")
    for error in errors:
        print("ERROR", error, file=sys.stderr)
    print("OK" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
