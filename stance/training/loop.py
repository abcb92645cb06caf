"""The training loop: seeds, schedule, losses (R-Drop, distillation, adversarial), weight averaging and
checkpoints that let an interrupted run resume to the same weights."""

from __future__ import annotations

import json
import logging
import math
import random
import re
import shutil
import time
from pathlib import Path

import numpy as np

from stance.classifier import (
    CONFIG_FILE,
    FROZEN_KEY,
    WEIGHTS_FILE,
    backbone_path,
    build_torch_model,
    encode_pairs,
    load_torch_model,
)
from stance.io import atomic_write_text
from stance.training.calibration import _calibrate_and_save, _save_tensors
from stance.training.config import TrainConfig
from stance.training.data import (
    _load_split,
    epoch_batches,
    first_segments,
    teacher_logits_for,
)

logger = logging.getLogger(__name__)
CHECKPOINT_DIR = "checkpoint"


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


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
