"""The classifier's heads and the shipped model's training recipe, as plain data.

Kept free of numpy and torch so that the CLI can offer them as defaults without loading either at start-up.
"""

HEADS = ("cls", "target")  # classify [CLS] only, or [CLS] + the output at the target marker

# The recipe of models/stance-minilm's members (the shipped model averages two runs of it, each also given a
# teacher's logits and transfer rows: see its model card). `stance train` and scripts/train_model.py take their
# defaults from it, so a bare run trains as the members were trained, less the teacher.
SHIPPED_RECIPE = {"epochs": 2, "lr": 5e-5, "batch_size": 16, "seed": 15, "split_seed": 13, "contrast_repeat": 3,
                  "mark_target": True, "head": "target", "rdrop_alpha": 0.5, "multitarget": False}

# Knowledge distillation, applied when a teacher's logits file is given (scripts/train_teacher.py writes one).
DISTILLATION = {"distill_weight": 0.5, "distill_temperature": 2.0}
