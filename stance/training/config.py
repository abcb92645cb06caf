"""What a training run is: its data files (``DataSpec``), its options (``TrainConfig``, checked on creation
and fingerprinted so a rerun resumes) and one labelled row (``Example``)."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from stance.classifier import (
    CONFIG_FILE,
    HEADS,
)
from stance.recipe import DISTILLATION, SHIPPED_RECIPE

logger = logging.getLogger(__name__)

# Every spelling of the three classes we accept in training files.
LABEL_ALIASES = {
    "-1": "against", "negative": "against", "neg": "against", "against": "against", "con": "against",
    "0": "neutral", "neutral": "neutral", "none": "neutral",
    "1": "favor", "positive": "favor", "pos": "favor", "favor": "favor", "favour": "favor", "pro": "favor",
}


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
    # rows that point into a corpus under ../shared/data by offsets (stance.training.standoff); the
    # field names above do not apply to them
    standoff: bool = False

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
            if not spec.get("standoff"):
                spec.pop("standoff", None)
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
