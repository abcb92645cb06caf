#!/usr/bin/env python
"""Train the stance classifier. The defaults are the recipe of the shipped model's members (seed,
R-Drop, target head, contrastive x3) without a teacher; the shipped model averages two distilled runs of it,
each given --teacher-logits, --transfer and --diplomatic-repeat 4 or 5 (the model card lists the commands).

    python scripts/train_model.py --output /tmp/stance-minilm              # the previous shipped model
    python scripts/train_model.py --output /tmp/a --teacher-logits T/teacher_logits.jsonl \
        --transfer T/transfer.jsonl --diplomatic-repeat 4                  # a member of the shipped soup
    python scripts/train_model.py --no-diplomatic --epochs 1 --output /tmp/interim
    python scripts/train_model.py --init-from models/stance-minilm --data more.jsonl --max-steps 600 \
        --lr 2e-5 --output /tmp/continued                                  # continued fine-tuning
    python scripts/train_model.py --data my.csv --text-field sentence --target-field mention \
        --label-field polarity --output /tmp/mine
A rerun with the same arguments resumes from the last checkpoint in the output folder.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import logging
from pathlib import Path

from stance.recipe import DISTILLATION, HEADS, SHIPPED_RECIPE
from stance.training import DataSpec, TrainConfig, distillation_options, shipped_data_specs, train
from stance.training.standoff import is_standoff_file


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output", required=True, type=Path)
    ap.add_argument("--data", type=Path, action="append", help="extra/custom training file (.jsonl/.csv)")
    ap.add_argument("--text-field", default="text")
    ap.add_argument("--target-field", default="target")
    ap.add_argument("--label-field", default="label")
    ap.add_argument("--no-newsmtsc", action="store_true")
    ap.add_argument("--no-diplomatic", action="store_true")
    ap.add_argument("--diplomatic-repeat", type=int, default=2)
    ap.add_argument("--multitarget", action=argparse.BooleanOptionalAction, default=SHIPPED_RECIPE["multitarget"],
                    help="add our multi-target news sentences (data/multitarget/), training-only")
    ap.add_argument("--contrast-repeat", type=int, default=SHIPPED_RECIPE["contrast_repeat"],
                    help="extra copies of sentences whose targets have different labels (multi-target contrast)")
    ap.add_argument("--epochs", type=int, default=SHIPPED_RECIPE["epochs"])
    ap.add_argument("--lr", type=float, default=SHIPPED_RECIPE["lr"])
    ap.add_argument("--batch-size", type=int, default=SHIPPED_RECIPE["batch_size"])
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--seed", type=int, default=SHIPPED_RECIPE["seed"])
    ap.add_argument("--split-seed", type=int, default=SHIPPED_RECIPE["split_seed"],
                    help="seed of the held-out calibration split")
    ap.add_argument("--dev-fraction", type=float, default=0.1)
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--unfreeze-embeddings", action="store_true")
    ap.add_argument("--mark-target", action=argparse.BooleanOptionalAction, default=SHIPPED_RECIPE["mark_target"],
                    help="wrap the target mention in << >> in the text")
    ap.add_argument("--unmarked-fraction", type=float, default=0.0,
                    help="share of training rows left unmarked (teaches targets absent from the text)")
    ap.add_argument("--layer-lr-decay", type=float, default=1.0,
                    help="each layer below the head trains at this factor of the lr of the one above (1 = off)")
    ap.add_argument("--rdrop-alpha", type=float, default=SHIPPED_RECIPE["rdrop_alpha"],
                    help="R-Drop: weight of the KL between two dropout passes (0 = off; doubles training time)")
    ap.add_argument("--name-swap-fraction", type=float, default=0.0,
                    help="share of training rows whose named target is swapped for another training mention")
    ap.add_argument("--adversarial-epsilon", type=float, default=0.0,
                    help="FGM adversarial training: L2 size of the embedding perturbation (0 = off; +50%% time with R-Drop)")
    ap.add_argument("--ema-decay", type=float, default=0.0,
                    help="save an exponential moving average of the weights with this decay (0 = off)")
    ap.add_argument("--teacher-logits", type=Path, default=None,
                    help="distil from a larger teacher: its logits file, from scripts/train_teacher.py")
    ap.add_argument("--distill-weight", type=float, default=DISTILLATION["distill_weight"],
                    help="with --teacher-logits: weight of the teacher's KL term against the labels' cross-entropy")
    ap.add_argument("--distill-temperature", type=float, default=DISTILLATION["distill_temperature"])
    ap.add_argument("--no-init-heldout", action="store_true",
                    help="with --init-from: hold out a new split of this run's data (as before 2026-12-06) instead "
                         "of the sentences the init model held out, some of which it was trained on")
    ap.add_argument("--anchor", action="store_true",
                    help="with --init-from: distil toward the init model's logits on the rows it learnt from and "
                         "toward the gold label on --train-only rows (learning without forgetting); the teacher file "
                         "is written to OUTPUT/anchor_logits.jsonl; --distill-weight sets its weight")
    ap.add_argument("--transfer", type=Path, default=None,
                    help="the teacher's transfer set (transfer.jsonl from scripts/train_teacher.py): training-only rows")
    ap.add_argument("--train-only", type=Path, action="append",
                    help="extra training file (text/target/label) never held out, so the calibration split stays "
                         "the init model's (for --init-from)")
    ap.add_argument("--train-only-repeat", type=int, default=1)
    ap.add_argument("--speaker-input", action="store_true",
                    help="speaker-aware input: rows with an 'actor' field are read as 'speaker: ACTOR | target: T'")
    ap.add_argument("--init-from", type=Path, default=None,
                    help="continued fine-tuning: start from this trained model folder (e.g. models/stance-minilm)")
    ap.add_argument("--warmup-fraction", type=float, default=0.1)
    ap.add_argument("--head", choices=HEADS, default=SHIPPED_RECIPE["head"],
                    help="target: classify [CLS] + the output at the target marker (needs --mark-target)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    data = list(shipped_data_specs(diplomatic_repeat=args.diplomatic_repeat, contrast_repeat=args.contrast_repeat,
                                   newsmtsc=not args.no_newsmtsc, diplomatic=not args.no_diplomatic,
                                   multitarget=args.multitarget))
    for path in args.data or []:
        data.append(DataSpec(path, text_field=args.text_field, target_field=args.target_field,
                             label_field=args.label_field))
    for path in args.train_only or []:
        data.append(DataSpec(path, repeat=args.train_only_repeat, holdout=False, standoff=is_standoff_file(path)))
    if args.transfer is not None:
        from stance.teacher import transfer_spec

        data.append(transfer_spec(args.transfer))
    if args.speaker_input:  # files without the field (NewsMTSC, transfer rows) keep the target alone
        data = [dataclasses.replace(d, speaker_field="actor") for d in data]
    if args.anchor and (args.init_from is None or args.teacher_logits is not None):
        ap.error("--anchor needs --init-from (the model to anchor to) and no --teacher-logits")
    config = TrainConfig(data=tuple(data), output_dir=args.output, epochs=args.epochs, lr=args.lr,
                         batch_size=args.batch_size, max_length=args.max_length, seed=args.seed, split_seed=args.split_seed,
                         dev_fraction=args.dev_fraction, max_steps=args.max_steps, num_threads=args.threads,
                         freeze_embeddings=not args.unfreeze_embeddings, mark_target=args.mark_target, head=args.head,
                         unmarked_fraction=args.unmarked_fraction, layer_lr_decay=args.layer_lr_decay,
                         rdrop_alpha=args.rdrop_alpha, name_swap_fraction=args.name_swap_fraction,
                         adversarial_epsilon=args.adversarial_epsilon, ema_decay=args.ema_decay,
                         init_from=args.init_from, warmup_fraction=args.warmup_fraction,
                         speaker_input=args.speaker_input,
                         init_heldout=args.init_from is not None and not args.no_init_heldout,
                         **distillation_options(args.teacher_logits, weight=args.distill_weight,
                                                temperature=args.distill_temperature))
    if args.anchor:  # the teacher file is written for this run's rows, then the run distils from it
        from stance.teacher import write_anchor_logits

        anchor = args.output / "anchor_logits.jsonl"
        if not anchor.is_file():  # a resumed run keeps the file its checkpoint was trained with
            args.output.mkdir(parents=True, exist_ok=True)
            write_anchor_logits(config, args.init_from, anchor,
                                new_sources={str(path) for path in args.train_only or []})
        config = dataclasses.replace(config, **distillation_options(anchor, weight=args.distill_weight,
                                                                    temperature=args.distill_temperature))
    out = train(config)
    meta = json.loads((out / "config.json").read_text())
    print(json.dumps({k: meta[k] for k in ("temperature", "calibration", "data_counts", "train")}, indent=2))


if __name__ == "__main__":
    main()
