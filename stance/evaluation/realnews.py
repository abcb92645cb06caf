"""The real-news gold statements (``../shared/data/realnews``) as a stance dataset with gold attribution.

For every row of ``gold_statements.csv`` (article, actor, target, stance, phrase) the classifier gets the
sentence(s) of the article holding the gold phrase, the gold target and, for speaker-aware models, the gold
actor. The target's mention is looked up in that text with the watchlist's aliases valid on the article's
date (the mention inside the phrase if there is one, else the one nearest to it); a row whose text names the
target nowhere is scored as the pipeline scores an inferred target: the entity's name as target, nothing
marked. The classifier's figure so does not depend on the extractor.

The texts are third-party news: they are read from ``../shared`` at evaluation time and never stored.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import logging
from pathlib import Path

import numpy as np

from stance.evaluation.stance_eval import LABELS, StanceDataset

logger = logging.getLogger(__name__)

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})


def normalized_with_offsets(text: str) -> tuple[str, list[int]]:
    """``text`` lower-cased, quote styles unified and whitespace runs collapsed to one space (as the
    real-news scorer compares phrases), with each output character's offset in ``text``."""
    out, offsets = [], []
    for i, original in enumerate(text):
        # lower() may give two characters for one ("\u0130" -> "i\u0307"): each keeps the original's offset
        for ch in original.translate(_QUOTES).lower():
            if ch.isspace():
                if not out or out[-1] == " ":
                    continue
                ch = " "
            out.append(ch)
            offsets.append(i)
    return "".join(out), offsets


def find_phrase(text: str, phrase: str) -> tuple[int, int] | None:
    """(start, end) of ``phrase`` in ``text`` compared as :func:`normalized_with_offsets` does; None if absent."""
    norm, offsets = normalized_with_offsets(text)
    needle = " ".join(phrase.translate(_QUOTES).lower().split())
    at = norm.find(needle) if needle else -1
    if at < 0:
        return None
    return offsets[at], offsets[at + len(needle) - 1] + 1


def sentence_bounds(text: str, start: int, end: int, nlp) -> tuple[int, int]:
    """Offsets of the sentence(s) of ``text`` that overlap ``[start, end)``, kept within the line(s) of the
    span (a dateline or headline above a sentence is a line of its own, which spaCy may not split off)."""
    doc = nlp(text)
    sents = [(s.start_char, s.end_char) for s in doc.sents if s.start_char < end and s.end_char > start]
    lo, hi = (sents[0][0], sents[-1][1]) if sents else (start, end)
    lo = max(lo, text.rfind("\n", 0, start) + 1)
    line_end = text.find("\n", end)
    hi = min(hi, line_end) if line_end >= 0 else hi
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    while lo < hi and text[lo].isspace():
        lo += 1
    return lo, hi


def pick_mention(matches, phrase: tuple[int, int]) -> tuple[int, int] | None:
    """The alias match inside the phrase span if any, else the one nearest to it; None if no match."""
    if not matches:
        return None
    a, b = phrase

    def distance(m) -> int:
        return 0 if m.start >= a and m.end <= b else min(abs(m.start - b), abs(a - m.end))

    best = min(matches, key=lambda m: (distance(m), m.start))
    return best.start, best.end


def load_realnews(path: Path, name: str = "realnews_gold") -> StanceDataset:
    """``path`` is ``gold_statements.csv``; ``articles.jsonl`` and ``watchlist.yaml`` sit beside it.

    Rows whose phrase is not in their article are skipped with a logged reason (the folder's own
    check.py guards against it). The dataset's ``notes`` say how many rows named no target mention.
    """
    from stance.nlp import load_nlp
    from stance.watchlist import Watchlist

    folder = Path(path).parent
    for needed in ("articles.jsonl", "watchlist.yaml"):
        if not (folder / needed).is_file():
            raise FileNotFoundError(f"{folder / needed}: needed beside {path}; is the realnews folder complete?")
    watchlist = Watchlist.from_yaml(folder / "watchlist.yaml")
    with open(folder / "articles.jsonl", encoding="utf-8") as handle:
        articles = {a["id"]: a for a in (json.loads(line) for line in handle if line.strip())}
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    nlp = load_nlp()
    targets, texts, labels, spans, speakers = [], [], [], [], []
    skipped = no_mention = 0
    for line, row in enumerate(rows, 2):
        article = articles.get(row["article_id"])
        found = find_phrase(article["text"], row["phrase"]) if article else None
        problem = ("unknown stance " + repr(row["stance"]) if row["stance"] not in LABELS
                   else f"article {row['article_id']!r} not in articles.jsonl" if article is None
                   else "phrase not in its article" if found is None else "")
        if problem:
            logger.warning("%s:%d: skipped (%s)", path, line, problem)
            skipped += 1
            continue
        text = article["text"]
        lo, hi = sentence_bounds(text, *found, nlp)
        sentence = text[lo:hi]
        date = dt.date.fromisoformat(article["date"][:10]) if article.get("date") else None
        matches = [m for m in watchlist.find_aliases(sentence, date) if m.entity == row["target"]]
        mention = pick_mention(matches, (found[0] - lo, found[1] - lo))
        if mention is None:
            no_mention += 1
            targets.append(row["target"])  # as the pipeline scores an inferred target: nothing marked
        else:
            targets.append(sentence[mention[0]:mention[1]])
        texts.append(sentence)
        spans.append(mention)
        labels.append(LABELS.index(row["stance"]))
        speakers.append(row["actor"])
    notes = f"{len(labels)} gold statements, {no_mention} without a target mention in their sentence (scored as inferred)"
    if skipped:
        notes += f", {skipped} skipped"
    logger.info("%s: %s", name, notes)
    return StanceDataset(name, targets, texts, np.array(labels, dtype=int), spans=spans, speakers=speakers,
                         notes=notes)
