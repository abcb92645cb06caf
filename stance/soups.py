"""Merging finished training runs into one model, recalibrated on their shared held-out rows.

``average_models``: a uniform "model soup" of runs of one recipe (Wortsman et al. 2022), the shipped
model's recipe. ``interpolate_models``: WiSE-FT, a continued fine-tuning mixed with the model it started from.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Sequence

from stance.classifier import (
    CONFIG_FILE,
    FROZEN_KEY,
    WEIGHTS_FILE,
    backbone_path,
    build_torch_model,
)
from stance.training import TrainConfig, _calibrate_and_save, _load_split

# Config fields that may differ between the members of a soup.
_SOUP_FREE_FIELDS = ("seed", "split_seed", "output_dir", "progress", "keep_checkpoint", "num_threads", "checkpoint_every")
# ... and those that may differ with average_models(..., same_data=False)
# (the share of rows left unmarked or name-swapped changes which text a row shows, as data does)
_SOUP_DATA_FIELDS = ("data", "teacher_logits", "teacher_logits_sha256", "unmarked_fraction", "name_swap_fraction")


def _merged_model(weights: dict, config: TrainConfig):
    """(model holding ``weights``, the config's held-out rows, per-file counts), output folder made."""
    from stance.classifier import load_frozen_embeddings

    model = build_torch_model(init_from_backbone=False, head=config.head)
    if FROZEN_KEY not in weights:
        weights[FROZEN_KEY] = load_frozen_embeddings().float()
    model.load_state_dict(weights, strict=False)
    config.output_dir.mkdir(parents=True, exist_ok=True)
    _, dev_rows, counts = _load_split(config)
    return model, dev_rows, counts


def _recipe(meta: dict, free: Sequence[str]) -> dict:
    """A run's config without the fields a soup lets differ. A continued run's start counts by its content
    hash (``init_from_version``), not by the folder it was read from: a copy of one model is one start."""
    recipe = {k: v for k, v in meta["config"].items() if k not in free}
    if recipe.get("init_from_version"):
        recipe.pop("init_from", None)
    return recipe


def average_models(model_dirs: Sequence[str | Path], output_dir: str | Path, *, same_data: bool = True) -> Path:
    """A uniform "model soup": average the weights of runs of one recipe that differ only in seed.

    Fine-tuned from the same backbone, such runs sit in one basin, so their average predicts
    like an ensemble at the cost of one model. All runs must share the held-out calibration
    split (``TrainConfig.split_seed``); the soup is recalibrated on it.
    ``same_data=False`` also averages runs whose training data differ (repeats, transfer sets, teacher
    files: Wortsman et al. 2022 average runs of different hyperparameters), as long as they held out the
    very same calibration sentences, so that no member has trained on the sentences the soup is scored on.
    Each member's full config is recorded under ``soup.members``.
    """
    import torch
    from safetensors.torch import load_file
    from transformers import AutoTokenizer

    dirs = [Path(d) for d in model_dirs]
    if len(dirs) < 2:
        raise ValueError("average_models needs at least two model folders")
    metas = []
    for d in dirs:
        path = d / CONFIG_FILE
        if not path.is_file() or not (d / WEIGHTS_FILE).is_file():
            raise FileNotFoundError(f"{d} is not a finished model folder (no {CONFIG_FILE} or {WEIGHTS_FILE})")
        metas.append(json.loads(path.read_text(encoding="utf-8")))
    free = _SOUP_FREE_FIELDS + (() if same_data else _SOUP_DATA_FIELDS)
    recipes = [_recipe(m, free) for m in metas]
    for d, m, recipe in zip(dirs[1:], metas[1:], recipes[1:]):
        if m["seeds"]["dev_split_seed"] != metas[0]["seeds"]["dev_split_seed"]:
            raise ValueError(f"{d} held out another calibration split than {dirs[0]}; "
                             "train every member with the same split_seed")
        if recipe != recipes[0]:
            differ = sorted(k for k in recipe if recipe.get(k) != recipes[0].get(k))
            hint = " (same_data=False allows other training data)" if set(differ) <= set(_SOUP_DATA_FIELDS) else ""
            raise ValueError(f"{d} and {dirs[0]} differ in {differ}; a soup averages runs that differ only in seed"
                             + hint)
    states = [load_file(str(d / WEIGHTS_FILE)) for d in dirs]
    if any(set(st) != set(states[0]) for st in states):
        raise ValueError("the model folders hold different sets of weights")
    averaged = {k: torch.stack([st[k].float() for st in states]).mean(dim=0) for k in states[0]}

    # TrainConfig turns a saved config's data dicts back into DataSpecs itself
    config = TrainConfig(**{**metas[0]["config"], "output_dir": output_dir})
    model, dev_rows, counts = _merged_model(averaged, config)
    if not same_data:
        for d, m in zip(dirs[1:], metas[1:]):
            if _load_split(TrainConfig(**m["config"]))[1] != dev_rows:
                raise ValueError(f"{d} held out other calibration sentences than {dirs[0]}; its data files "
                                 "differ in the rows they hold out, so the soup could not be scored fairly")
    members = [{"path": str(d), "fingerprint": m["fingerprint"], "seed": m["config"]["seed"],
                "heldout_macro_f1": m["calibration"].get("heldout_macro_f1"), "config": m["config"],
                "data_counts": m.get("data_counts"), "train": m.get("train")} for d, m in zip(dirs, metas)]
    fingerprint = hashlib.sha256(json.dumps(sorted(m["fingerprint"] for m in metas)).encode()).hexdigest()[:16]
    _calibrate_and_save(model, AutoTokenizer.from_pretrained(str(backbone_path())), dev_rows, config=config,
                        out=config.output_dir, fingerprint=fingerprint,
                        extra={"soup": {"method": "uniform weight average", "members": members},
                               "data_counts": {**counts, "heldout_dev": len(dev_rows)}})
    return config.output_dir


def interpolate_models(tuned_dir: str | Path, output_dir: str | Path, *, weight: float = 0.5) -> Path:
    """WiSE-FT (Wortsman et al. 2022): ``weight`` x a continued fine-tuning + (1 - weight) x the model it
    started from (its ``init_from``), recalibrated on the tuned run's held-out rows. It keeps more of the
    starting model's behaviour than the tuned run does. The tuned run must have continued from that very
    model (same content hash) and held out the same split, so neither has trained on the rows scored here.
    The result takes the tuned run's config (its input format: target marking, speaker prefix).
    """
    from safetensors.torch import load_file
    from transformers import AutoTokenizer

    if not 0 < weight < 1:
        raise ValueError(f"interpolate_models: weight must be in (0, 1), got {weight}")
    tuned_dir = Path(tuned_dir)
    meta = json.loads((tuned_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    config = TrainConfig(**{**meta["config"], "output_dir": output_dir})
    if config.init_from is None:
        raise ValueError(f"{tuned_dir} was not continued from another model (no init_from); "
                         "interpolate only a continued fine-tuning with its starting model")
    base_dir = config.init_from  # TrainConfig has checked that its content hash is the recorded one
    base_meta = json.loads((base_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    if base_meta["seeds"]["dev_split_seed"] != meta["seeds"]["dev_split_seed"]:
        raise ValueError(f"{tuned_dir} held out another calibration split than {base_dir}")
    tuned, base = load_file(str(tuned_dir / WEIGHTS_FILE)), load_file(str(base_dir / WEIGHTS_FILE))
    if set(tuned) != set(base):
        raise ValueError(f"{tuned_dir} and {base_dir} hold different sets of weights")
    mixed = {k: weight * tuned[k].float() + (1 - weight) * base[k].float() for k in tuned}
    model, dev_rows, counts = _merged_model(mixed, config)
    fingerprint = hashlib.sha256(json.dumps([meta["fingerprint"], base_meta["fingerprint"], weight]).encode()).hexdigest()[:16]
    _calibrate_and_save(model, AutoTokenizer.from_pretrained(str(backbone_path())), dev_rows, config=config,
                        out=config.output_dir, fingerprint=fingerprint,
                        extra={"soup": {"method": "WiSE-FT weight interpolation", "weight_of_tuned": weight,
                                        "tuned": str(tuned_dir), "tuned_fingerprint": meta["fingerprint"],
                                        "base": str(base_dir), "base_fingerprint": base_meta["fingerprint"]},
                               "data_counts": {**counts, "heldout_dev": len(dev_rows)}})
    return config.output_dir
