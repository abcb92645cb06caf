"""Training rows: reading labelled files, the held-out calibration split (a seeded share of sentences, or the
sentences a starting model held out), oversampling, name swaps and teacher logits."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import random
import re
from pathlib import Path
from typing import Sequence

import numpy as np

from stance.classifier import (
    CONFIG_FILE,
    LABEL2ID,
    LABELS,
    mark_target,
    speaker_segment,
)
from stance.training.config import LABEL_ALIASES, DataSpec, Example, TrainConfig, _rows

logger = logging.getLogger(__name__)


def shipped_data_specs(*, diplomatic_repeat: int = 2, contrast_repeat: int = 1, newsmtsc: bool = True,
                       diplomatic: bool = True, multitarget: bool = False) -> tuple[DataSpec, ...]:
    """The shipped model's training files: NewsMTSC train (shared data) + our diplomatic train files,
    and with ``multitarget`` our multi-target news sentences (``data/multitarget/train_*.jsonl``,
    training-only: they are never held out, and not oversampled since most of them are contrastive).

    Files that are absent are left out (logged), so the recipe also runs without ``../shared``.
    """
    from stance.evaluation.stance_eval import shared_data_dir

    repo = Path(__file__).resolve().parents[2]
    specs = []
    news = shared_data_dir() / "newsmtsc" / "train.jsonl"
    if newsmtsc and news.is_file():
        specs.append(DataSpec(news, text_field="sentence", target_field=None, start_field="from",
                              end_field="to", label_field="polarity", contrast_repeat=contrast_repeat))
    elif newsmtsc:
        logger.warning("NewsMTSC train file %s not found; training without it", news)
    if diplomatic:
        for name in ("train_a.jsonl", "train_b.jsonl"):
            path = repo / "data" / "diplomatic" / name
            if path.is_file():
                specs.append(DataSpec(path, repeat=diplomatic_repeat, contrast_repeat=contrast_repeat))
            else:
                logger.warning("diplomatic train file %s not found; skipped", path)
    if multitarget:
        paths = sorted((repo / "data" / "multitarget").glob("train_*.jsonl"))
        if not paths:
            logger.warning("no multi-target train files in %s; skipped", repo / "data" / "multitarget")
        specs.extend(DataSpec(path, holdout=False) for path in paths)
    return tuple(specs)


def normalize_label(value, *, where: str) -> int:
    key = str(value).strip().lower()
    if key.endswith(".0"):
        key = key[:-2]
    if key not in LABEL_ALIASES:
        raise ValueError(f"{where}: unknown label {value!r}; use -1/0/1, negative/neutral/positive, "
                         "against/neutral/favor or con/neutral/pro")
    return LABEL2ID[LABEL_ALIASES[key]]


def read_examples(spec: DataSpec) -> list[Example]:
    """Read one training file into examples (targets resolved, labels normalized)."""
    if spec.standoff:
        from stance.evaluation.stance_eval import shared_data_dir
        from stance.training.standoff import read_standoff_examples

        return read_standoff_examples(spec.path, root=shared_data_dir())
    out = []
    for line_no, row in _rows(spec.path):
        where = f"{spec.path}:{line_no}"
        for name in (spec.text_field, spec.label_field, spec.target_field or spec.start_field):
            if name not in row:
                raise ValueError(f"{where}: field {name!r} missing (fields: {sorted(row)}); set DataSpec field names")
        text = str(row[spec.text_field])
        if spec.start_field is not None:
            start, end = int(row[spec.start_field]), int(row[spec.end_field])
            if not 0 <= start < end <= len(text):
                raise ValueError(f"{where}: target span {start}:{end} outside the text (length {len(text)})")
            target = text[start:end]
            span = (start, end)
        else:
            span = None
            target = str(row[spec.target_field])
        if not target.strip() or not text.strip():
            raise ValueError(f"{where}: empty text or target")
        speaker = str(row.get(spec.speaker_field) or "") if spec.speaker_field else ""
        out.append(Example(target=target, text=text, span=span,
                           label=normalize_label(row[spec.label_field], where=where),
                           source=str(spec.path), speaker=speaker))
    return out


def split_dev(examples: Sequence[Example], *, fraction: float, seed: int) -> tuple[list[Example], list[Example]]:
    """Hold out whole sentences (all their targets), so no dev sentence is seen in training."""
    texts = sorted({e.text for e in examples})
    rng = random.Random(seed)
    rng.shuffle(texts)
    dev_texts = set(texts[: max(1, round(len(texts) * fraction))])
    train = [e for e in examples if e.text not in dev_texts]
    dev = [e for e in examples if e.text in dev_texts]
    return train, dev


def epoch_batches(n: int, *, batch_size: int, lengths: Sequence[int], seed: int, epoch: int) -> list[list[int]]:
    """Shuffled batches of similar length (less padding on CPU), same order for the same seed/epoch."""
    rng = random.Random(seed * 1000 + epoch)
    order = list(range(n))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for start in range(0, n, chunk):
        block = sorted(order[start : start + chunk], key=lambda i: lengths[i])
        batches.extend(block[i : i + batch_size] for i in range(0, len(block), batch_size))
    rng.shuffle(batches)
    return batches


def first_segments(examples: Sequence[Example], *, speaker_input: bool) -> list[str]:
    """What the model reads before the text: the target, or for speaker-aware training who speaks and the target."""
    if not speaker_input:
        return [e.target for e in examples]
    return [speaker_segment(e.target, e.speaker) for e in examples]


def init_model_heldout_texts(model_dir: Path) -> set[str]:
    """The sentences a trained model held out for calibration, rebuilt from its saved config: the split of its
    held-out-able files by its seed or, for a continued fine-tuning that held out its starting model's
    sentences, those of them in its own files (the starting model's record is kept in ``init_model``).
    A file no longer at its saved path (``.../data/diplomatic/train_a.jsonl``) is read from the same place
    under this repository's ``data/``. The rebuilt rows must match the model's record, or this raises."""
    meta = json.loads((Path(model_dir) / CONFIG_FILE).read_text(encoding="utf-8"))
    return _heldout_texts(meta, where=str(model_dir))


def _heldout_texts(meta: dict, *, where: str) -> set[str]:
    saved = meta.get("config")
    if not saved or "calibration" not in meta:
        raise ValueError(f"{where}: the model records no training config and calibration; it cannot say "
                         "which sentences it held out (train with init_heldout=False)")
    examples: list[Example] = []
    for raw in saved["data"]:
        if raw.get("holdout", True):
            examples.extend(read_examples(_spec_here(DataSpec(**raw), where=where)))
    if saved.get("init_heldout"):
        if "init_model" not in meta:
            raise ValueError(f"{where}: the model held out its starting model's sentences but keeps no record "
                             "of that model (init_model); its split cannot be rebuilt")
        init_texts = _heldout_texts(meta["init_model"], where=f"{where} (its starting model)")
        held = [e for e in examples if e.text in init_texts]
    else:
        seed = saved.get("split_seed")
        _, held = split_dev(examples, fraction=saved["dev_fraction"], seed=saved["seed"] if seed is None else seed)
    texts = {e.text for e in held}
    # models saved since 2026-12-06 record which sentences; earlier ones only how many rows
    digest = (meta.get("data_counts") or {}).get("heldout_sentences_sha256")
    expected = meta["calibration"]["examples"]
    if (digest is not None and digest != _sentences_digest(texts)) or len(held) != expected:
        raise ValueError(f"{where}: rebuilt {len(held)} held-out rows (calibrated on {expected}), not the "
                         "sentences it held out: its data files changed since it was trained")
    return texts


def _spec_here(spec: DataSpec, *, where: str) -> DataSpec:
    """``spec`` reading its file where it is now: a saved path that is gone is looked up under ``data/``."""
    if spec.path.is_file():
        return spec
    repo_data = Path(__file__).resolve().parents[2] / "data"
    parts = spec.path.parts
    inside = Path(*parts[len(parts) - parts[::-1].index("data"):]) if "data" in parts else None
    if inside is None or not (repo_data / inside).is_file():
        raise FileNotFoundError(f"{where} held out rows of {spec.path}, which is gone and has no counterpart "
                                f"under {repo_data}; restore it to rebuild the split")
    return dataclasses.replace(spec, path=repo_data / inside)


def _sentences_digest(texts: set[str]) -> str:
    return hashlib.sha256("\n".join(sorted(texts)).encode("utf-8")).hexdigest()


def _split_seed(config: TrainConfig) -> int:
    return config.seed if config.split_seed is None else config.split_seed


def _load_split(config: TrainConfig) -> tuple[list[Example], list[Example], dict]:
    """(training rows with repeats applied, held-out calibration rows, per-file counts)."""
    examples: list[Example] = []
    counts = {}
    for spec in config.data:
        rows = read_examples(spec)
        counts[str(spec.path)] = {"examples": len(rows), "repeat": spec.repeat,
                                  **({"contrast_repeat": spec.contrast_repeat} if spec.contrast_repeat > 1 else {})}
        examples.extend(rows)
    specs = {str(s.path): s for s in config.data}
    if config.init_heldout:
        held = init_model_heldout_texts(config.init_from)
        train_rows = [e for e in examples if e.text not in held]
        dev_rows = [e for e in examples if e.text in held and specs[e.source].holdout]
    else:
        train_rows, dev_rows = split_dev([e for e in examples if specs[e.source].holdout],
                                         fraction=config.dev_fraction, seed=_split_seed(config))
        train_rows += [e for e in examples if not specs[e.source].holdout]
    # lets a later continued fine-tuning check that it rebuilt this split exactly (init_model_heldout_texts)
    counts["heldout_sentences_sha256"] = _sentences_digest({e.text for e in dev_rows})
    contrastive = contrastive_texts(train_rows)
    copies = [specs[e.source].repeat * (specs[e.source].contrast_repeat if e.text in contrastive else 1) for e in train_rows]
    if config.mark_target:  # after the split, which holds out whole sentences
        def marked(e: Example) -> Example:
            return dataclasses.replace(e, text=mark_target(e.text, e.target, span=e.span))

        rng = random.Random(config.seed)
        train_rows = [e if rng.random() < config.unmarked_fraction else marked(e) for e in train_rows]
        dev_rows = [marked(e) for e in dev_rows]
    train_rows = [e for e, n in zip(train_rows, copies) for _ in range(n)]
    if config.name_swap_fraction > 0:  # per copy, so the repeats of one sentence get different names
        names = sorted({e.target for e in train_rows if _has_swappable_name(e)})
        rng = random.Random(f"name-swap-{config.seed}")
        train_rows = [_maybe_swap(e, rng, names, config.name_swap_fraction) for e in train_rows]
    return train_rows, dev_rows, counts


# Mentions that are not names: swapping them would change the grammar, not who is meant.
_NOT_NAMES = {"he", "she", "him", "her", "his", "hers", "they", "them", "their", "it", "its", "i", "me", "my",
              "we", "us", "our", "you", "your", "himself", "herself", "themselves"}


def _has_swappable_name(example: Example) -> bool:
    # a span-labelled (news) mention: free-text targets such as our diplomatic ones name countries, not people
    return example.span is not None and is_swappable_name(example.target)


def _maybe_swap(example: Example, rng: random.Random, names: Sequence[str], fraction: float) -> Example:
    if not _has_swappable_name(example) or rng.random() >= fraction:
        return example
    name = rng.choice(names)
    if name.lower() in example.text.lower():  # already someone else in this sentence: keep the row as it is
        return example
    return swap_name(example, name)


def is_swappable_name(mention: str) -> bool:
    """A capitalised mention that is not a pronoun ("Trump", "Mr. Obama", not "He" or "the senator")."""
    return mention[:1].isupper() and mention.strip().lower() not in _NOT_NAMES


def swap_name(example: Example, name: str) -> Example:
    """The example with its target mention, and every other whole-word occurrence of the same string in the
    sentence, replaced by ``name``; the target becomes ``name``. Works on marked and unmarked text."""
    old = example.target
    pattern = re.compile(rf"(?<!\w){re.escape(old)}(?!\w)")
    return dataclasses.replace(example, target=name, text=pattern.sub(lambda _: name, example.text), span=None)


def contrastive_texts(examples: Sequence[Example]) -> set[str]:
    """Texts that occur with two or more different labels (different targets of one sentence)."""
    labels: dict[str, set[int]] = {}
    for e in examples:
        labels.setdefault(e.text, set()).add(e.label)
    return {text for text, seen in labels.items() if len(seen) > 1}


def distillation_options(teacher_logits, *, weight: float, temperature: float) -> dict:
    """TrainConfig's distillation keywords from command-line options: the weight counts only with a teacher
    file, since command lines offer the recipe's weight as a default that must not ask for distillation alone."""
    return {"teacher_logits": teacher_logits, "distill_weight": weight if teacher_logits else 0.0,
            "distill_temperature": temperature}


def read_teacher_logits(path: Path) -> dict[tuple[str, str], list[float]]:
    """``(target, text) -> logits`` from a teacher file (JSONL lines ``{"target", "text", "logits"}``)."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"teacher logits file {path} not found; write it with scripts/train_teacher.py")
    table = {}
    for line_no, row in _rows(Path(path)):
        logits = row.get("logits")
        if not (isinstance(logits, list) and len(logits) == len(LABELS)):
            raise ValueError(f"{path}:{line_no}: 'logits' must be a list of {len(LABELS)} numbers "
                             f"({', '.join(LABELS)}), got {logits!r}")
        if not isinstance(row.get("target"), str) or not isinstance(row.get("text"), str):
            raise ValueError(f"{path}:{line_no}: each line needs string fields 'target' and 'text'")
        table[(row["target"], row["text"])] = [float(v) for v in logits]
    return table


def teacher_logits_for(rows: Sequence[Example], path: Path) -> np.ndarray:
    """The teacher's logits for each training row, in order; every row must be in the file."""
    table = read_teacher_logits(path)
    missing = [e for e in rows if (e.target, e.text) not in table]
    if missing:
        raise ValueError(f"{path} has no teacher logits for {len(missing)} of {len(rows)} training rows "
                         f"(first: {missing[0].target!r} in {missing[0].text[:80]!r}); the file was written for "
                         "other data or options: rewrite it with scripts/train_teacher.py for this config")
    return np.array([table[(e.target, e.text)] for e in rows], dtype=np.float32)
