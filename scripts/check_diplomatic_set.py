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
With --not-near REF [REF ...] (reference sentences: field `text` of .jsonl files, split into sentences, and
column `phrase` of .csv files; e.g. the real-news development set), fails every row that shares a run of
NEAR_RUN (5) or more consecutive words with a reference sentence, so training cannot inflate a development
figure, and reports (without failing) rows whose rapidfuzz token_set_ratio with a reference sentence is
>= FUZZY_MIN (85; both texts of >= FUZZY_MIN_WORDS (8) words). Words are compared lowercased with punctuation
stripped; names become one placeholder: the row's own actor and target, and on both sides every capitalised
word that never occurs in lower case in the texts compared (so "They" starting a sentence stays a word, "Hanoi"
or "Kenyan" become the placeholder). A run made only of BOILERPLATE phrases (reporting formulas such as "told
reporters after the meeting"), names and ATTRIBUTION_WORDS ("the <name> foreign minister said that") is not
counted. Each finding prints the row id, the shared run (or the score) and where the reference sentence is
(file:line), never its text.
Exit status 1 when any check fails.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from rapidfuzz import fuzz, process

LABELS = ("against", "neutral", "favor")
PHENOMENA = (
    "designation", "threat", "condolence", "conditional_engagement", "sarcasm", "negation", "hedge",
    "contrast", "praise", "condemnation", "procedural", "demand", "recognition",
    "accusation", "cooperation", "fact",  # data/diplomatic_speaker (issue #31)
    "negation_contrast",  # data/diplomatic_speaker/train_contrast.jsonl: a frame written positive and negated (issue #41)
)
MULTI_TARGET_PHENOMENA = (
    "contrast", "comparison", "reported_criticism", "concession", "shared_praise", "shared_blame",
    "neutral_mention", "sarcasm", "negation", "hedge",
)
KEYS = ("id", "text", "target", "label", "actor", "phenomenon")
MULTI_TARGET_KEYS = ("id", "text", "target", "label", "phenomenon")
MIN_WORDS, MAX_WORDS = 12, 50
MIN_SHARE, MAX_SHARE = 0.28, 0.40


NEAR_RUN = 5
FUZZY_MIN, FUZZY_MIN_WORDS = 85, 8
NAME = "<name>"
# Reporting formulas that any news sentence may share with ours (normalised as the texts are: lower case, no
# punctuation, NAME for a name). A shared run whose every word lies in such a phrase (as it occurs in the row) or is
# one of ATTRIBUTION_WORDS is not a near copy. Keep it short: every phrase added is wording the guard no longer sees.
BOILERPLATE = (
    "<name> said in a statement on", "said in a statement issued on", "said in a written statement on",
    "told reporters in the capital", "told reporters on the sidelines of", "told reporters after the meeting",
    "told a news conference in", "said at a news conference in", "said at a press conference in",
    "according to a statement from the", "in a statement posted on its website",
)
# Speaker attribution ("the <name> foreign minister said", "<name> foreign ministry said that") is boilerplate too:
# a run made only of NAME, these words and BOILERPLATE phrases says who spoke and where, not what was said.
ATTRIBUTION_WORDS = frozenset(
    "<name> the a an of for to in on at and said says told that it he she they his her its their statement "
    "reporters foreign minister ministry government president prime presidential office spokesperson spokesman embassy "
    "ambassador defence trade un".split()
)


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


def check(rows: list[dict], phenomena: tuple[str, ...] = PHENOMENA, *, inferred: bool = False,
          shares: tuple[float, float] = (MIN_SHARE, MAX_SHARE)) -> list[str]:
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
        if not shares[0] <= share <= shares[1]:
            errors.append(f"label {label!r} is {share:.1%} of rows, expected {shares[0]:.0%}-{shares[1]:.0%}")
    return errors


class Reference(NamedTuple):
    """One reference sentence: where it is (file:line) and its text (a NamedTuple: tests import this script
    without registering it as a module, which a dataclass would need)."""
    where: str
    text: str


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+|\n+")
_WORD = re.compile(r"[^\W_]+")


def read_references(paths: list[Path]) -> list[Reference]:
    """The sentences of .jsonl files (field `text`) and the `phrase` column of .csv files."""
    refs = []
    for path in paths:
        if path.suffix == ".jsonl":
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    text = json.loads(line).get("text")
                except (json.JSONDecodeError, AttributeError) as exc:
                    raise SystemExit(f"{path}:{n}: not a JSON object ({exc}); --not-near reads field 'text'")
                if not isinstance(text, str):
                    raise SystemExit(f"{path}:{n}: no string field 'text'; --not-near reads it from .jsonl files")
                refs += [Reference(f"{path}:{n}", s.strip()) for s in _SENTENCE_END.split(text) if s.strip()]
        elif path.suffix == ".csv":
            with open(path, encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                if "phrase" not in (reader.fieldnames or ()):
                    raise SystemExit(f"{path}: no column 'phrase' (columns: {reader.fieldnames}); "
                                     "--not-near reads that column of .csv files")
                for record in reader:
                    if (record.get("phrase") or "").strip():
                        refs.append(Reference(f"{path}:{reader.line_num}", record["phrase"].strip()))
        else:
            raise SystemExit(f"{path}: --not-near reads .jsonl (field 'text') or .csv (column 'phrase') files")
    return refs


def _raw_words(text: str, names: tuple[str, ...] = ()) -> list[str]:
    for name in sorted((n for n in names if n), key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", " Zzname ", text)
    text = re.sub(r"['’]s\b", "", text)         # possessive: "Kenya's" -> "Kenya"
    text = re.sub(r"['’]", "", text)             # "don't" -> "dont"
    return _WORD.findall(text)


def _words(raw: list[str], lower_vocab: set[str]) -> list[str]:
    """Lower case; a name (the row's own names, a capitalised word never seen in lower case) -> NAME, once."""
    out: list[str] = []
    for word in raw:
        low = word.lower()
        is_name = word == "Zzname" or (word[0].isupper() and word != "I" and low not in lower_vocab)
        token = NAME if is_name else low
        if not (token == NAME and out and out[-1] == NAME):
            out.append(token)
    return out


def _ngrams(words: list[str], n: int = NEAR_RUN) -> list[tuple[str, ...]]:
    return [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]


def _boilerplate_mask(words: list[str]) -> list[bool]:
    """True where a word is attribution (ATTRIBUTION_WORDS) or lies inside an occurrence of a BOILERPLATE phrase."""
    mask = [word in ATTRIBUTION_WORDS for word in words]
    for phrase in BOILERPLATE:
        pattern = phrase.split()
        for i in range(len(words) - len(pattern) + 1):
            if words[i:i + len(pattern)] == pattern:
                mask[i:i + len(pattern)] = [True] * len(pattern)
    return mask


def check_not_near(rows: list[dict], refs: list[Reference]) -> tuple[list[str], list[str]]:
    """(errors, reports): an error per shared run of NEAR_RUN+ words that is not boilerplate (see BOILERPLATE and
    ATTRIBUTION_WORDS); a report per row whose token_set_ratio with a reference sentence is >= FUZZY_MIN. Reports
    are for a reader to judge: a short reference sentence whose words all recur in a longer row scores high by
    construction."""
    raw_rows = [_raw_words(r["text"], (r.get("actor", ""), r.get("target", ""))) for r in rows]
    raw_refs = [_raw_words(ref.text) for ref in refs]
    lower_vocab = {w for words in raw_rows + raw_refs for w in words if w.islower()}
    row_words = [_words(raw, lower_vocab) for raw in raw_rows]
    ref_words = [_words(raw, lower_vocab) for raw in raw_refs]
    first_ref: dict[tuple[str, ...], int] = {}
    for k, words in enumerate(ref_words):
        for gram in _ngrams(words):
            first_ref.setdefault(gram, k)
    fuzzy_refs = [k for k, w in enumerate(ref_words) if len(w) >= FUZZY_MIN_WORDS]
    fuzzy_texts = [" ".join(ref_words[k]) for k in fuzzy_refs]
    errors, reports = [], []
    for row, words in zip(rows, row_words):
        mask = _boilerplate_mask(words)
        hits = [(i, first_ref[g]) for i, g in enumerate(_ngrams(words))
                if g in first_ref and not all(mask[i:i + NEAR_RUN])]
        spans: list[list[int]] = []              # [start, end, ref index] of merged overlapping runs
        for i, k in hits:
            if spans and i <= spans[-1][1] - NEAR_RUN + 1 and spans[-1][2] == k:
                spans[-1][1] = i + NEAR_RUN
            else:
                spans.append([i, i + NEAR_RUN, k])
        for start, end, k in spans:
            errors.append(f"{row['_where']}: {row['id']} shares the run \"{' '.join(words[start:end])}\" "
                          f"with the reference sentence at {refs[k].where}")
        if len(words) >= FUZZY_MIN_WORDS and fuzzy_refs:
            best = process.extractOne(" ".join(words), fuzzy_texts, scorer=fuzz.token_set_ratio, score_cutoff=FUZZY_MIN)
            if best is not None:
                reports.append(f"{row['_where']}: {row['id']} has token_set_ratio {best[1]:.0f} with the reference "
                               f"sentence at {refs[fuzzy_refs[best[2]]].where}")
    return errors, reports


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
    parser.add_argument("--shares", type=float, nargs=2, default=(MIN_SHARE, MAX_SHARE), metavar=("MIN", "MAX"),
                        help=f"bounds of each label's share of rows (default {MIN_SHARE} {MAX_SHARE}); wider only for "
                             "a supplement skewed by design, whose union with the rest is balanced")
    parser.add_argument("--not-near", type=Path, nargs="+", default=[], metavar="REF",
                        help="reference sets (.jsonl field 'text', .csv column 'phrase') that no row may "
                             f"nearly copy: {NEAR_RUN}+ shared words or token_set_ratio >= {FUZZY_MIN}")
    args = parser.parse_args(argv)
    keys = MULTI_TARGET_KEYS if args.multi_target else KEYS

    rows, errors = read_rows(args.path, keys)
    if args.multi_target:
        errors += check(rows, MULTI_TARGET_PHENOMENA) + check_multi_target(rows)
    else:
        if not 0 <= args.shares[0] <= args.shares[1] <= 1:
            parser.error(f"--shares: need 0 <= MIN <= MAX <= 1, got {args.shares[0]} {args.shares[1]}")
        errors += check(rows, inferred=args.inferred, shares=tuple(args.shares))
    if args.not_near:
        missing = [str(p) for p in args.not_near if not p.is_file()]
        if missing:
            parser.error(f"--not-near: no such file {missing}")
        refs = read_references(args.not_near)
        near, similar = check_not_near(rows, refs)
        print(f"--not-near: {len(refs)} reference sentences, {len(near)} shared runs (errors), "
              f"{len(similar)} rows with token_set_ratio >= {FUZZY_MIN} (reported, judge them)")
        for line in similar:
            print("SIMILAR", line, file=sys.stderr)
        errors += near
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
