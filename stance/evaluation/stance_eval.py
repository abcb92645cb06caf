"""Stance evaluation: the real-news gold statements, NewsMTSC dev (rw, mt), VAST dev and our diplomatic dev set.

Each dataset is scored for the classifier and two baselines trained/measured in the same run:
the majority class and TF-IDF + logistic regression fitted on the same training data as the
shipped model (NewsMTSC train + diplomatic train files).
"""

from __future__ import annotations

import csv
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from stance.evaluation import shared_data_dir  # noqa: F401 (re-exported)

logger = logging.getLogger(__name__)

LABELS = ("against", "neutral", "favor")
CONFUSION_FOR = ("realnews_gold",)  # datasets whose classifier confusion matrix the report prints
_REPO = Path(__file__).resolve().parents[2]


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, *, bins: int = 15) -> float:
    """Top-label ECE with equal-width confidence bins."""
    probs, labels = np.asarray(probs, dtype=float), np.asarray(labels)
    if len(labels) == 0:
        return float("nan")
    conf = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == labels).astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            ece += mask.mean() * abs(correct[mask].mean() - conf[mask].mean())
    return float(ece)


def classification_scores(labels: Sequence[int], preds: Sequence[int]) -> dict:
    """Macro-F1, per-class F1, accuracy and per-class recall over the three stance classes."""
    from sklearn.metrics import accuracy_score, f1_score, recall_score

    labels, preds = np.asarray(labels), np.asarray(preds)
    per_class = f1_score(labels, preds, labels=[0, 1, 2], average=None, zero_division=0)
    recall = recall_score(labels, preds, labels=[0, 1, 2], average=None, zero_division=0)
    return {
        "macro_f1": round(float(per_class.mean()), 4),
        **{f"f1_{name}": round(float(v), 4) for name, v in zip(LABELS, per_class)},
        "accuracy": round(float(accuracy_score(labels, preds)), 4),
        **{f"recall_{name}": round(float(v), 4) for name, v in zip(LABELS, recall)},
    }


def confusion_table(labels: Sequence[int], preds: Sequence[int]) -> str:
    """The 3x3 confusion matrix as text: rows gold, columns predicted, in LABELS order."""
    from sklearn.metrics import confusion_matrix

    matrix = confusion_matrix(np.asarray(labels), np.asarray(preds), labels=[0, 1, 2])
    width = max(len(x) for x in LABELS) + 1
    lines = ["gold \\ predicted".ljust(width + 5) + "".join(x.rjust(width) for x in LABELS)]
    lines += [name.ljust(width + 5) + "".join(str(v).rjust(width) for v in row) for name, row in zip(LABELS, matrix)]
    return "\n".join(lines)


@dataclass(frozen=True)
class StanceDataset:
    name: str
    targets: list[str]
    texts: list[str]
    labels: np.ndarray  # 0 against, 1 neutral, 2 favor
    spans: list[tuple[int, int] | None] | None = None  # where each target is in its text, when the data says
    speakers: list[str] | None = None  # who speaks (the gold actor), when the data says
    notes: str = ""  # what the loader wants the reader of the table to know (counts of special rows)


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_newsmtsc(path: Path, name: str) -> StanceDataset:
    rows = _read_jsonl(path)
    # dev_mt repeats a sentence for several targets (and sometimes the same span under
    # different ids); every row is a labelled (target, sentence) pair, so all are kept.
    return StanceDataset(name, [r["sentence"][r["from"]:r["to"]] or r["mention"] for r in rows],
                         [r["sentence"] for r in rows], np.array([int(r["polarity"]) + 1 for r in rows]),
                         spans=[(int(r["from"]), int(r["to"])) for r in rows])


def load_vast(path: Path, name: str = "vast_dev") -> StanceDataset:
    # VAST's numeric labels: 0 con, 1 pro, 2 neutral; the free-text topic is the target.
    mapping = {0: 0, 1: 2, 2: 1}
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return StanceDataset(name, [r["Target"] for r in rows], [r["Tweet"] for r in rows],
                         np.array([mapping[int(r["Stance"])] for r in rows]))


def load_diplomatic(path: Path, name: str = "diplomatic_dev") -> StanceDataset:
    rows = _read_jsonl(path)
    return StanceDataset(name, [r["target"] for r in rows], [r["text"] for r in rows],
                         np.array([LABELS.index(r["label"]) for r in rows]),
                         speakers=[r.get("actor", "") for r in rows])


def default_datasets(*, late_mentions: bool = False) -> dict[str, tuple[Path, Callable[[Path, str], StanceDataset]]]:
    """The evaluation sets as ``name -> (path, loader)``; ``late_mentions`` adds the NewsMTSC dev sets
    as :func:`with_late_mentions` stress tests (``<name>_late``)."""
    from stance.evaluation.realnews import load_realnews

    shared = shared_data_dir()
    datasets = {
        "realnews_gold": (shared / "realnews" / "gold_statements.csv", load_realnews),
        "newsmtsc_dev_rw": (shared / "newsmtsc" / "dev_rw.jsonl", load_newsmtsc),
        "newsmtsc_dev_mt": (shared / "newsmtsc" / "dev_mt.jsonl", load_newsmtsc),
        "vast_dev": (shared / "vast" / "vast_dev.csv", load_vast),
        "diplomatic_dev": (_REPO / "data" / "diplomatic" / "dev.jsonl", load_diplomatic),
    }
    if late_mentions:
        datasets.update({f"{name}_late": (path, _load_newsmtsc_late) for name, (path, loader) in datasets.items()
                         if loader is load_newsmtsc})
    return datasets


def with_late_mentions(dataset: StanceDataset, *, min_prefix_words: int = 130, seed: int = 0) -> StanceDataset:
    """A stress test for long texts: each sentence after other sentences of the set, at least
    ``min_prefix_words`` words (so past 128 tokens), so its target sits where an end-cut would drop it.

    Needs the gold spans (NewsMTSC), which are shifted with the text.
    """
    import random

    if dataset.spans is None:
        raise ValueError(f"{dataset.name}: with_late_mentions needs gold target spans")
    rng = random.Random(seed)
    texts, spans = [], []
    for text, (a, b) in zip(dataset.texts, dataset.spans):
        prefix, words = [], 0
        while words < min_prefix_words:
            prefix.append(rng.choice(dataset.texts))
            words += len(prefix[-1].split())
        head = " ".join(prefix) + " "
        texts.append(head + text)
        spans.append((a + len(head), b + len(head)))
    return StanceDataset(f"{dataset.name}_late", list(dataset.targets), texts, dataset.labels, spans=spans)


def _load_newsmtsc_late(path: Path, name: str) -> StanceDataset:
    return with_late_mentions(load_newsmtsc(path, name.removesuffix("_late")))


def default_training_files() -> list[tuple[Path, Callable[[Path, str], StanceDataset]]]:
    shared = shared_data_dir()
    return [
        (shared / "newsmtsc" / "train.jsonl", load_newsmtsc),
        (_REPO / "data" / "diplomatic" / "train_a.jsonl", load_diplomatic),
        (_REPO / "data" / "diplomatic" / "train_b.jsonl", load_diplomatic),
    ]


def _load_training(files) -> StanceDataset | None:
    targets, texts, labels = [], [], []
    for path, loader in files:
        if not Path(path).is_file():
            logger.warning("baseline training file %s missing; skipped", path)
            continue
        ds = loader(Path(path), Path(path).stem)
        targets += ds.targets
        texts += ds.texts
        labels += list(ds.labels)
    if not texts:
        return None
    return StanceDataset("train", targets, texts, np.array(labels))


def _tfidf_inputs(targets: Sequence[str], texts: Sequence[str]) -> list[str]:
    # The target is prefixed so the bag of words can at least see which entity is asked about.
    return [f"{t} || {x}" for t, x in zip(targets, texts)]


def fit_tfidf_baseline(train: StanceDataset):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(max_iter=2000, C=4.0, class_weight="balanced"),
    )
    model.fit(_tfidf_inputs(train.targets, train.texts), train.labels)
    return model


def evaluate_stance(classifier, *, datasets: dict | None = None, training_files=None, batch_size: int = 64,
                    details: dict | None = None):
    """Score ``classifier`` and two baselines on each available dataset.

    ``datasets`` maps a name to ``(path, loader)`` (default: :func:`default_datasets`); missing
    files are skipped with a logged reason. Returns a DataFrame with one row per
    (dataset, system): n, macro_f1, f1_against, f1_neutral, f1_favor, accuracy, recall_against,
    recall_neutral, recall_favor, ece. ``details``, if given, is filled with
    ``name -> (dataset, classifier probabilities)`` for confusion matrices and error analysis.
    """
    import pandas as pd

    datasets = default_datasets() if datasets is None else datasets
    train = _load_training(default_training_files() if training_files is None else training_files)
    tfidf = fit_tfidf_baseline(train) if train is not None else None
    majority = int(np.bincount(train.labels, minlength=3).argmax()) if train is not None else None
    rows = []
    for name, (path, loader) in datasets.items():
        path = Path(path)
        if not path.is_file():
            logger.warning("stance eval: %s skipped (%s not found)", name, path)
            continue
        ds = loader(path, name)
        # gold spans tell a target-marking model which of two "Obama"s is meant
        probs = classifier.predict_proba(ds.targets, ds.texts, batch_size=batch_size, spans=ds.spans,
                                         speakers=ds.speakers)
        if details is not None:
            details[name] = (ds, probs)
        systems = {"classifier": probs}
        if tfidf is not None:
            systems["tfidf_logreg"] = tfidf.predict_proba(_tfidf_inputs(ds.targets, ds.texts))
            one_hot = np.zeros((len(ds.labels), 3))
            one_hot[:, majority] = 1.0
            systems["majority"] = one_hot
        for system, p in systems.items():
            rows.append({"dataset": name, "system": system, "n": len(ds.labels),
                         **classification_scores(ds.labels, p.argmax(axis=1)),
                         "ece": round(expected_calibration_error(p, ds.labels), 4)})
    return pd.DataFrame(rows)


def format_table(table, *, markdown: bool = False) -> str:
    """``table`` as aligned text, or as a Markdown table (for model cards and issue notes)."""
    if not markdown:
        return table.to_string(index=False)
    lines = ["| " + " | ".join(map(str, table.columns)) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines)


def write_errors(details: dict, path: str | Path) -> int:
    """Write the classifier's wrong rows of each dataset in ``details`` (from :func:`evaluate_stance`) as
    TSV: dataset, gold, predicted, confidence, speaker, target, text. Returns the number of rows.

    The texts are third-party (NewsMTSC, real news): the file must lie outside the repository."""
    path = Path(path).resolve()
    if path.is_relative_to(_REPO):
        raise ValueError(f"{path}: write error lists outside the repository ({_REPO}); their texts are "
                         "third-party and must not be committed")
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["dataset", "gold", "predicted", "confidence", "speaker", "target", "text"])
        for name, (ds, probs) in details.items():
            speakers = ds.speakers or [""] * len(ds.texts)
            for i in np.flatnonzero(probs.argmax(axis=1) != ds.labels):
                writer.writerow([name, LABELS[ds.labels[i]], LABELS[int(probs[i].argmax())], f"{probs[i].max():.3f}",
                                 speakers[i], ds.targets[i], " ".join(ds.texts[i].split())])
                rows += 1
    return rows


def stance_eval_report(model: str | Path | None = None, *, backend: str = "auto", late_mentions: bool = False,
                       markdown: bool = False, errors_path: str | Path | None = None) -> str:
    """What `stance eval stance` and scripts/eval_stance.py print: the model evaluated, the table, then the
    classifier's confusion matrix on the real-news gold statements (with how many named no target).
    ``errors_path``: also write the classifier's wrong rows there (:func:`write_errors`; outside the repo)."""
    from stance.classifier import StanceClassifier

    classifier = StanceClassifier.from_pretrained(model, backend=backend)
    details: dict = {}
    table = evaluate_stance(classifier, datasets=default_datasets(late_mentions=late_mentions), details=details)
    header = f"model {classifier.path} version {classifier.version} backend {classifier.backend}"
    parts = [header, format_table(table, markdown=markdown)]
    for name, (ds, probs) in details.items():
        if name in CONFUSION_FOR:
            parts.append(f"{name}: {ds.notes}\nclassifier confusion (rows gold, columns predicted):\n"
                         + confusion_table(ds.labels, probs.argmax(axis=1)))
    if errors_path is not None:
        parts.append(f"{write_errors(details, errors_path)} wrong rows written to {errors_path}")
    return "\n\n".join(parts)
