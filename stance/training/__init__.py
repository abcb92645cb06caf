"""Fine-tune the MiniLM pair classifier and calibrate it (``stance train``).

Reproducible (fixed seeds, deterministic data order), resumable (a checkpoint of weights,
optimizer and RNG state every ``checkpoint_every`` steps and at each epoch end; a rerun
continues from it), and writes the shipped format that :mod:`stance.classifier` loads.

The steps, one module each: :mod:`.config` (what a run is), :mod:`.data` (its rows and held-out split),
:mod:`.loop` (training), :mod:`.calibration` (temperature and the saved folder). Everything is
re-exported here, so ``stance.training.X`` names what it always did.
"""

from stance.training.calibration import (  # noqa: F401
    _calibrate_and_save,
    _predict_logits,
    _save_tensors,
    fit_temperature,
)
from stance.training.config import (  # noqa: F401
    _ADDED_LATER,
    LABEL_ALIASES,
    DataSpec,
    Example,
    TrainConfig,
    _rows,
)
from stance.training.data import (  # noqa: F401
    _NOT_NAMES,
    _has_swappable_name,
    _heldout_texts,
    _load_split,
    _maybe_swap,
    _sentences_digest,
    _spec_here,
    _split_seed,
    contrastive_texts,
    distillation_options,
    epoch_batches,
    first_segments,
    init_model_heldout_texts,
    is_swappable_name,
    normalize_label,
    read_examples,
    read_teacher_logits,
    shipped_data_specs,
    split_dev,
    swap_name,
    teacher_logits_for,
)
from stance.training.loop import (  # noqa: F401
    CHECKPOINT_DIR,
    EmbeddingPerturbation,
    _load_checkpoint,
    _save_checkpoint,
    _train,
    apply_ema,
    layer_depth,
    parameter_groups,
    seed_everything,
    supervised_loss,
    train,
    training_loss,
    training_step,
    update_ema,
    warmup_then_linear_decay,
)
