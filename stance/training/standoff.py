"""Stand-off training rows: labels that point into a third-party corpus by character offsets.

Real news we may train on but not redistribute (PolNeAR, in ``../shared/data``) is labelled without
copying a word of it: each row names a document under the shared data folder, the offsets of a
sentence, of a target mention inside it and of a mention of the speaker, a label, and a short hash of
the sentence, so that another copy of the corpus that differs is caught instead of training on the
wrong words::

    {"doc": "polnear/train/text/a.txt", "sentence": [120, 245], "target": [150, 157],
     "speaker": [20, 33], "label": "against", "sha1": "3f2a9c0d1e4b"}

Offsets index the file's text as ``read_text(encoding="utf-8", errors="replace")`` gives it.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from stance.training.config import Example, _rows
from stance.training.data import normalize_label

logger = logging.getLogger(__name__)

STANDOFF_FIELDS = ("doc", "sentence", "target", "speaker", "label", "sha1")


def is_standoff_file(path: str | Path) -> bool:
    """True when the file's first record has the stand-off fields (``doc`` and ``sentence`` offsets)."""
    first = next((row for _, row in _rows(Path(path))), None)
    return first is not None and "doc" in first and "sentence" in first


def sentence_sha1(sentence: str) -> str:
    """The short hash a stand-off row keeps of its sentence (12 hex digits of SHA-1 over UTF-8)."""
    return hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:12]


def _span(row: dict, name: str, where: str, length: int) -> tuple[int, int]:
    value = row.get(name)
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        raise ValueError(f"{where}: {name!r} must be [start, end] character offsets, got {value!r}")
    start, end = value
    if not 0 <= start < end <= length:
        raise ValueError(f"{where}: {name!r} offsets {start}:{end} are outside the document (length {length})")
    return start, end


def read_standoff_examples(path: str | Path, *, root: Path) -> list[Example]:
    """Examples of a stand-off file, their words read from the documents under ``root``.

    A file whose corpus is not there (a machine without ``../shared``) gives no rows, with a warning,
    as an absent NewsMTSC file does. A row whose document is missing or whose sentence hash differs
    (another copy or version of the corpus) stops with an error naming the line: training on shifted
    offsets would pair labels with the wrong words.
    """
    path = Path(path)
    rows = list(_rows(path))
    corpora = {str(row.get("doc", "")).split("/")[0] for _, row in rows}
    absent = sorted(c for c in corpora if c and not (root / c).is_dir())
    if absent:
        logger.warning("%s: corpus folder(s) %s not under %s; its %d stand-off rows are left out", path,
                       ", ".join(absent), root, len(rows))
        return []
    texts: dict[str, str] = {}
    out = []
    for line_no, row in rows:
        where = f"{path}:{line_no}"
        missing = [f for f in STANDOFF_FIELDS if f not in row]
        if missing:
            raise ValueError(f"{where}: stand-off row lacks {', '.join(missing)} (fields: {sorted(row)})")
        doc = str(row["doc"])
        if doc not in texts:
            file = root / doc
            if ".." in Path(doc).parts or not file.is_file():
                raise ValueError(f"{where}: document {doc!r} not found under {root}")
            texts[doc] = file.read_text(encoding="utf-8", errors="replace")
        text = texts[doc]
        s, e = _span(row, "sentence", where, len(text))
        ts, te = _span(row, "target", where, len(text))
        ps, pe = _span(row, "speaker", where, len(text))
        if not s <= ts < te <= e:
            raise ValueError(f"{where}: the target {ts}:{te} is not inside the sentence {s}:{e}")
        sentence = text[s:e]
        if sentence_sha1(sentence) != row["sha1"]:
            raise ValueError(f"{where}: the sentence at {s}:{e} of {doc} does not match the row's hash; this copy of "
                             "the corpus differs from the one the labels were made on")
        out.append(Example(target=text[ts:te], text=sentence, span=(ts - s, te - s),
                           label=normalize_label(row["label"], where=where), source=str(path),
                           speaker=" ".join(text[ps:pe].split())))
    return out
