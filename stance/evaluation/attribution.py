"""Attribution evaluation: PolNeAR spans (source, cue, content) and the diplomatic gold set.

PolNeAR is scored three ways, per span type:

- ``exact``: a predicted span matches when its characters equal a gold span of the same type
  (one-to-one), as in BBC Citron's exact metric on PARC 3.0;
- ``overlap``: a predicted span matches when it shares at least one character with a gold span,
  in a maximum one-to-one matching; precision/recall are over span counts, so a long content
  that is half found counts as found, and a missed one-token source counts as much as a missed
  forty-token content;
- ``token``: token overlap: the spaCy tokens inside predicted spans that are also inside gold
  spans, over all predicted tokens (precision) and over all gold tokens (recall), with the tokens
  of each type pooled per article, so no token counts twice;
- ``citron``: BBC Citron's overlap metric exactly as ``citron/metrics.py`` computes it, the
  figure its published scores use: per quote (one attribution: source, cue and content), the
  token lengths of predicted and of gold spans are summed, and the overlap is summed over every
  (predicted quote, gold quote) pair. It differs from ``token`` only where quotes share tokens:
  a source that two gold attributions share ("X said ... and added ...", annotated once)
  counts twice in the gold length and twice in the overlap of a prediction that finds it once,
  which raises precision above the pooled figure.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..records import Article
from ..watchlist import Watchlist
from stance.evaluation import shared_data_dir  # noqa: F401 (re-exported)

logger = logging.getLogger(__name__)

SPAN_TYPES = ("source", "cue", "content")
_BRAT_TYPES = {"Source": "source", "Cue": "cue", "Content": "content"}
_TEXT_BOUND = re.compile(r"T\d+\t")


def default_polnear_dir() -> Path | None:
    """The PolNeAR dev split under the shared data folder, or None when it is not there."""
    path = shared_data_dir() / "polnear" / "dev"
    return path if (path / "text").is_dir() else None


@dataclass(frozen=True)
class GoldSpan:
    kind: str  # source / cue / content
    pieces: tuple[tuple[int, int], ...]

    def chars(self) -> frozenset[int]:
        return frozenset(i for a, b in self.pieces for i in range(a, b))


def _brat_entities(path: Path, text: str) -> dict[str, tuple[str, tuple[tuple[int, int], ...]]]:
    """Source/Cue/Content text-bound annotations by id: (span type, stripped pieces)."""
    entities = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not _TEXT_BOUND.match(line):
            continue  # relations, notes, and continuation lines of an annotation text with a line break
        parts = line.split("\t")
        if len(parts) < 2:
            raise ValueError(f"{path}:{lineno}: malformed brat line (expected tab-separated id, type+offsets, text)")
        label, _, offsets = parts[1].partition(" ")
        if label not in _BRAT_TYPES:
            continue
        pieces = []
        for piece in offsets.split(";"):
            a, b = piece.split()
            pieces.append(_strip(text, int(a), int(b)))
        entities[parts[0]] = (_BRAT_TYPES[label], tuple(p for p in pieces if p[1] > p[0]))
    return entities


def read_brat(path: Path, text: str, *, speech_only: bool = False) -> list[GoldSpan]:
    """Source/Cue/Content text-bound annotations of one brat ``.ann`` file.

    ``speech_only`` keeps only the spans of attributions whose cue holds a reporting verb
    (or is "according to" / a colon), a diagnostic for how much of PolNeAR's wider notion of
    attribution (attitudes, evidentials such as "seems") a speech extractor can reach.
    """
    keep = _speech_ids(path, text) if speech_only else None
    return [GoldSpan(kind, pieces) for tid, (kind, pieces) in _brat_entities(path, text).items()
            if keep is None or tid in keep]


@dataclass(frozen=True)
class QuoteSpans:
    """The spans of one attribution (a brat event, or a prediction); Citron scores these per quote."""

    source: tuple[tuple[int, int], ...]
    cue: tuple[tuple[int, int], ...]
    content: tuple[tuple[int, int], ...]


def read_brat_quotes(path: Path, text: str, *, speech_only: bool = False) -> list[QuoteSpans]:
    """One :class:`QuoteSpans` per attribution event (``E`` line) of a brat ``.ann`` file.

    A span two events share (one source for "said ... and added ...") belongs to both quotes.
    """
    entities = _brat_entities(path, text)
    keep = _speech_ids(path, text) if speech_only else None
    quotes = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if not (line.startswith("E") and len(parts) >= 2):
            continue
        args = dict(arg.split(":", 1) for arg in parts[1].split()[1:] if ":" in arg)
        if keep is not None and args.get("Cue") not in keep:
            continue
        spans = {kind: entities[args[label]][1] if args.get(label) in entities else ()
                 for label, kind in _BRAT_TYPES.items()}
        quotes.append(QuoteSpans(**spans))
    return quotes


def _speech_ids(path: Path, text: str) -> set[str]:
    from ..attribution.lexicon import _VERB_FORMS

    offsets: dict[str, list[tuple[int, int]]] = {}
    relations = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if _TEXT_BOUND.match(line) and len(parts) >= 2:
            _, _, off = parts[1].partition(" ")
            offsets[parts[0]] = [tuple(map(int, p.split())) for p in off.split(";")]
        elif line.startswith("E") and len(parts) >= 2:
            relations.append(dict(arg.split(":", 1) for arg in parts[1].split()[1:] if ":" in arg))
    keep: set[str] = set()
    for rel in relations:
        cue = rel.get("Cue")
        if cue not in offsets:
            continue
        words = " ".join(text[a:b] for a, b in offsets[cue]).lower()
        if any(w.strip(":,") in _VERB_FORMS for w in words.split()) or "according" in words or words.strip() == ":":
            keep.update(v for v in rel.values())
    return keep


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in "\"“”,."):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in "\"“”,."):
        b -= 1
    return a, b


def polnear_pairs(split_dir: Path) -> list[tuple[Path, Path]]:
    """(text file, annotation file) pairs; for articles annotated several times, the first annotator."""
    split_dir = Path(split_dir)
    texts = {p.stem: p for p in sorted((split_dir / "text").glob("*.txt"))}
    if not texts:
        raise FileNotFoundError(f"{split_dir}/text: no .txt files; point split_dir at a PolNeAR split (dev/ or train/)")
    pairs = []
    for ann in sorted((split_dir / "attributions").glob("*.ann")):
        stem = re.sub(r"_[0-9a-f]{4}$", "", ann.stem)
        if stem in texts:
            pairs.append((texts.pop(stem), ann))
    return pairs


def match_counts(pred: list[GoldSpan], gold: list[GoldSpan]) -> dict[str, int]:
    """One-to-one exact and overlap matches between predicted and gold spans of one type.

    Overlap matches are a maximum one-to-one matching (each gold and each predicted span used
    once), so the count does not depend on the order of the predictions: a greedy pass could
    let one prediction take a gold span that was another prediction's only match.
    """
    gold_chars = [g.chars() for g in gold]
    pred_chars = [p.chars() for p in pred]
    unused = list(range(len(gold)))
    exact = 0
    for pc in pred_chars:
        i = next((i for i in unused if gold_chars[i] == pc), None)
        if i is not None:
            unused.remove(i)
            exact += 1
    # Candidates per prediction, largest overlap first; then augmenting paths (Kuhn's algorithm).
    options = [sorted((i for i, gc in enumerate(gold_chars) if pc & gc), key=lambda i: -len(pc & gold_chars[i]))
               for pc in pred_chars]
    owner: dict[int, int] = {}

    def assign(j: int, seen: set[int]) -> bool:
        for i in options[j]:
            if i not in seen:
                seen.add(i)
                if i not in owner or assign(owner[i], seen):
                    owner[i] = j
                    return True
        return False

    overlap = sum(assign(j, set()) for j in range(len(pred)))
    return {"exact": exact, "overlap": overlap}


def token_overlap_counts(pred: list[GoldSpan], gold: list[GoldSpan], token_of_char) -> dict[str, int]:
    """Citron-style token overlap of one span type in one article.

    ``token_of_char[i]`` is the index of the token that character ``i`` belongs to (a token owns
    its trailing whitespace, as in Citron's character index).
    """
    def tokens(spans):
        return {token_of_char[i] for s in spans for a, b in s.pieces for i in range(a, b)}

    p, g = tokens(pred), tokens(gold)
    return {"token": len(p & g), "token_pred": len(p), "token_gold": len(g)}


def citron_overlap_counts(pred: list[QuoteSpans], gold: list[QuoteSpans], token_of_char) -> dict[str, int]:
    """Citron's overlap counts for one article, per span type: ``citron_<kind>`` (overlap summed
    over every predicted x gold quote pair), ``citron_<kind>_pred`` and ``citron_<kind>_gold``
    (token lengths summed per quote). A span covers the tokens from the one holding its first
    character to the one holding its last, as in Citron's ``CitronParser._get_span``.
    """
    def ranges(pieces):
        return [(token_of_char[a], token_of_char[b - 1] + 1) for a, b in pieces if b > a]

    counts = {}
    for kind in SPAN_TYPES:
        p = [ranges(getattr(q, kind)) for q in pred]
        g = [ranges(getattr(q, kind)) for q in gold]
        counts[f"citron_{kind}_pred"] = sum(b - a for q in p for a, b in q)
        counts[f"citron_{kind}_gold"] = sum(b - a for q in g for a, b in q)
        counts[f"citron_{kind}"] = sum(max(0, min(b1, b2) - max(a1, a2))
                                       for qp in p for qg in g for a1, b1 in qp for a2, b2 in qg)
    return counts


def char_token_index(doc) -> list[int]:
    index = [0] * len(doc.text)
    for tok in doc:
        for i in range(tok.idx, tok.idx + len(tok.text_with_ws)):
            index[i] = tok.i
    return index


def predicted_spans(text: str, *, nlp=None, watchlist: Watchlist | None = None) -> list[GoldSpan]:
    from ..attribution import find_attributions
    from ..attribution.parsing import _default_nlp

    nlp = nlp if nlp is not None else _default_nlp()
    doc = nlp(text)
    return _spans_from(find_attributions(doc, watchlist or Watchlist(()), None), doc)


def source_phrase(doc, att) -> tuple[int, int] | None:
    """The whole noun phrase around an attribution's source, as PolNeAR marks sources.

    The extractor keeps the speaker's name ("Sen. Lindsey Graham"); PolNeAR's source is the
    full phrase with appositions, parentheticals, relative clauses and coordinated holders
    ("Sen. Lindsey Graham (R-S.C.), who chairs the panel,"). That is the parse subtree of the
    name's head, cut to the contiguous run around the name that stays clear of the cue and
    the content and inside the name's sentence (line breaks end it: datelines, headlines).
    """
    if att.source is None:
        return None
    a, b = att.source
    name = doc.char_span(a, b, alignment_mode="expand")
    if not name:
        return att.source
    inside = {t.i for t in name}
    root = next((t for t in name if t.head.i not in inside or t.head.i == t.i), name[0])
    blocked = {i for lo, hi in (att.cue, *att.content) for i in range(lo, hi)}
    keep = {t.i for t in root.subtree if t.idx not in blocked and "\n" not in t.text} | inside
    sent = root.sent
    lo, hi = min(inside), max(inside)
    while lo - 1 in keep and lo - 1 >= sent.start:
        lo -= 1
    while hi + 1 in keep and hi + 1 < sent.end:
        hi += 1
    start, end = doc[lo].idx, doc[hi].idx + len(doc[hi].text)
    return (min(start, a), max(end, b))


def _quotes_from(atts, doc) -> list[QuoteSpans]:
    text = doc.text
    return [QuoteSpans(source=(_strip(text, *source_phrase(doc, a)),) if a.source is not None else (),
                       cue=(_strip(text, *a.cue),),
                       content=tuple(_strip(text, *p) for p in a.content))
            for a in atts]


def _spans_from(atts, doc) -> list[GoldSpan]:
    return _flatten(_quotes_from(atts, doc))


def _flatten(quotes: list[QuoteSpans]) -> list[GoldSpan]:
    out = []
    for q in quotes:
        if q.source:
            out.append(GoldSpan("source", q.source))
        out.append(GoldSpan("cue", q.cue))
        out.append(GoldSpan("content", q.content))
    return out


def evaluate_polnear(
    split_dir: Path,
    *,
    limit: int | None = None,
    nlp=None,
    n_process: int = 1,
    profile: str = "speech",
    speech_only: bool = False,
) -> pd.DataFrame:
    """Precision/recall/F1 per span type (rows) for exact, overlap, token and Citron matching (columns; see the module doc).

    ``profile`` is passed to :func:`stance.attribution.find_attributions`; PolNeAR annotates
    attitudes ("wants", "supports") and nested attributions too, which ``"broad"`` covers.
    """
    from ..attribution import find_attributions
    from ..attribution.parsing import _default_nlp

    pairs = polnear_pairs(Path(split_dir))[:limit]
    nlp = nlp if nlp is not None else _default_nlp()
    empty = Watchlist(())
    totals = {k: {"pred": 0, "gold": 0, "exact": 0, "overlap": 0, "token": 0, "token_pred": 0, "token_gold": 0,
                  "citron": 0, "citron_pred": 0, "citron_gold": 0}
              for k in SPAN_TYPES}
    texts = [p.read_text(encoding="utf-8") for p, _ in pairs]
    for (txt_path, ann_path), text, doc in zip(pairs, texts, nlp.pipe(texts, batch_size=16, n_process=n_process)):
        gold_quotes = read_brat_quotes(ann_path, text, speech_only=speech_only)
        pred_quotes = _quotes_from(find_attributions(doc, empty, None, profile=profile), doc)
        gold = read_brat(ann_path, text)
        if speech_only:
            # Score against speech attributions only; predictions whose cue hits an attitude or
            # evidential attribution are set aside rather than counted as false positives.
            speech = read_brat(ann_path, text, speech_only=True)
            other_cues = [g.chars() for g in gold if g.kind == "cue" and g not in speech]
            speech_cues = [g.chars() for g in speech if g.kind == "cue"]
            cue_chars = [GoldSpan("cue", q.cue).chars() for q in pred_quotes]
            pred_quotes = [q for q, c in zip(pred_quotes, cue_chars)
                           if not any(c & o for o in other_cues) or any(c & s for s in speech_cues)]
            gold = speech
        pred = _flatten(pred_quotes)
        token_of_char = char_token_index(doc)
        citron = citron_overlap_counts(pred_quotes, gold_quotes, token_of_char)
        for kind in SPAN_TYPES:
            g = [s for s in gold if s.kind == kind and s.pieces]
            p = [s for s in pred if s.kind == kind and s.pieces]
            counts = {**match_counts(p, g), **token_overlap_counts(p, g, token_of_char),
                      "citron": citron[f"citron_{kind}"], "citron_pred": citron[f"citron_{kind}_pred"],
                      "citron_gold": citron[f"citron_{kind}_gold"]}
            totals[kind]["pred"] += len(p)
            totals[kind]["gold"] += len(g)
            for key, value in counts.items():
                totals[kind][key] += value
    rows = []
    for kind in SPAN_TYPES:
        t = totals[kind]
        row = {"span": kind, "n_pred": t["pred"], "n_gold": t["gold"]}
        for mode, n_pred, n_gold in (("exact", "pred", "gold"), ("overlap", "pred", "gold"),
                                     ("token", "token_pred", "token_gold"), ("citron", "citron_pred", "citron_gold")):
            p = t[mode] / t[n_pred] if t[n_pred] else 0.0
            r = t[mode] / t[n_gold] if t[n_gold] else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            row.update({f"{mode}_precision": p, f"{mode}_recall": r, f"{mode}_f1": f, f"{mode}_matched": t[mode]})
        rows.append(row)
    table = pd.DataFrame(rows).set_index("span")
    table.attrs["articles"] = len(pairs)
    return table


def format_polnear_table(table: pd.DataFrame) -> str:
    """The table as analysts read it: P/R/F1 for each way of matching, a row per span type."""
    modes = (("exact", "exact"), ("overlap", "overlap (spans)"), ("token", "overlap (tokens)"),
             ("citron", "overlap (Citron)"))
    head1 = f"{'':9}" + "".join(f"{title:<19}" for _, title in modes)
    head2 = f"{'span':9}" + "P     R     F1     " * len(modes)
    lines = [head1.rstrip(), head2.rstrip()]
    for kind, row in table.iterrows():
        cells = "".join(f"{row[f'{m}_precision']:.3f} {row[f'{m}_recall']:.3f} {row[f'{m}_f1']:.3f}  " for m, _ in modes)
        lines.append(f"{kind:9}{cells}".rstrip())
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Gold set


def read_gold(path: Path) -> list[dict]:
    items = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{lineno}: not valid JSON ({exc})") from None
        for key in ("id", "date", "text", "statements"):
            if key not in item:
                raise ValueError(f"{path}:{lineno}: gold item lacks {key!r}")
        items.append(item)
    return items


def gold_predictions(items: Iterable[dict], watchlist: Watchlist, *, nlp=None) -> list[tuple[dict, list]]:
    from ..attribution import iter_statements

    items = list(items)
    articles = [
        Article(id=it["id"], date=dt.date.fromisoformat(it["date"]), source="gold", title="", text=it["text"])
        for it in items
    ]
    return [(it, sts) for it, (_, sts) in zip(items, iter_statements(articles, watchlist, nlp=nlp))]


def score_gold(pairs: list[tuple[dict, list]]) -> dict:
    """Actor precision/recall, target accuracy and statement recall over gold items."""
    n_pred_actor = n_pred_actor_ok = n_gold_actor = n_gold_actor_ok = 0
    n_target = n_target_ok = n_gold = n_found = n_kind_ok = 0
    errors = []
    for item, preds in pairs:
        matched: set[int] = set()
        for g in item["statements"]:
            n_gold += 1
            hit = next(
                (i for i, p in enumerate(preds) if i not in matched and g["content"].lower() in p.text.lower()), None
            )
            if hit is None:
                hit = next((i for i, p in enumerate(preds) if i not in matched
                            and g["content"].lower() in p.context.lower()), None)
            if g["actor"]:
                n_gold_actor += 1
            if hit is None:
                if g["actor"] or g["targets"]:
                    n_target += 1
                errors.append((item["id"], "missed", g["content"], ""))
                continue
            matched.add(hit)
            p = preds[hit]
            n_found += 1
            n_kind_ok += p.kind == g["kind"]
            if p.actor:
                n_pred_actor += 1
                n_pred_actor_ok += p.actor == g["actor"]
            if g["actor"] and p.actor == g["actor"]:
                n_gold_actor_ok += 1
            if p.actor != g["actor"]:
                errors.append((item["id"], "actor", g["actor"], p.actor))
            n_target += 1
            got = sorted({t.entity for t in p.targets})
            if got == sorted(g["targets"]):
                n_target_ok += 1
            else:
                errors.append((item["id"], "targets", g["targets"], got))
        # Another sentence of a matched statement's quote (one statement per sentence) is that statement, not a new one.
        pieces_of_matched = {(preds[i].speaker, preds[i].cue, preds[i].actor) for i in matched}
        for i, p in enumerate(preds):
            if i not in matched and p.actor and (p.speaker, p.cue, p.actor) not in pieces_of_matched:
                n_pred_actor += 1  # a statement the gold does not have, given an actor: counts against precision
                errors.append((item["id"], "spurious", p.text[:60], p.actor))
    ratio = lambda a, b: a / b if b else float("nan")  # noqa: E731
    return {
        "items": len(pairs),
        "gold_statements": n_gold,
        "statement_recall": ratio(n_found, n_gold),
        "kind_accuracy": ratio(n_kind_ok, n_found),
        "actor_precision": ratio(n_pred_actor_ok, n_pred_actor),
        "actor_recall": ratio(n_gold_actor_ok, n_gold_actor),
        "target_accuracy": ratio(n_target_ok, n_target),
        "errors": errors,
    }


def evaluate_gold(path: Path, watchlist_path: Path, *, split: str | None = None, nlp=None) -> dict:
    """Metrics on the gold set; ``split`` = "dev", "heldout" or None for all items."""
    items = read_gold(path)
    if split is not None:
        items = [it for it in items if it.get("split") == split]
    watchlist = Watchlist.from_yaml(watchlist_path)
    pairs = gold_predictions(items, watchlist, nlp=nlp)
    metrics = score_gold(pairs)
    if split is None:
        # The held-out part was only checked at the end: report it apart from the part tuned on.
        keys = ("actor_precision", "actor_recall", "target_accuracy")
        for part in sorted({it.get("split", "") for it in items}):
            part_metrics = score_gold([(it, p) for it, p in pairs if it.get("split", "") == part])
            metrics.update({f"{part}_{k}": part_metrics[k] for k in keys})
    return metrics
