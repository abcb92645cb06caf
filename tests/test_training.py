"""Tiny, fast training runs: config saved, seed reproducibility, resumability, data reading."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from safetensors.torch import load_file
from shipped_model import SHIPPED_CONFIG, base_record, lineage

import stance.soups as soups
import stance.training as training
import stance.training.loop as training_loop
from stance.classifier import StanceClassifier
from stance.evaluation.stance_eval import shared_data_dir
from stance.training import (
    DataSpec,
    TrainConfig,
    normalize_label,
    read_examples,
    split_dev,
    train,
)

SUBJECTS = ["the council", "the envoy", "the treaty", "the regime", "the mission"]
TEMPLATES = [
    ("{t} was praised warmly by the minister.", "favor"),
    ("The minister condemned {t} in harsh words.", "against"),
    ("The minister will meet {t} on Friday.", "neutral"),
    ("Officials said {t} deserved strong support.", "pro"),
]


def _write_jsonl(path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for i, subject in enumerate(SUBJECTS):
            for template, label in TEMPLATES:
                handle.write(json.dumps({"text": template.format(t=subject), "target": subject, "label": label}) + "\n")
    return path


def _config(tmp_path: Path, out: str, **kw) -> TrainConfig:
    data = _write_jsonl(tmp_path / "train.jsonl")
    # the plainest recipe (no marking, [CLS] head, no R-Drop): each test turns on what it is about
    base = dict(data=(DataSpec(data),), output_dir=tmp_path / out, epochs=1, batch_size=4, max_length=32,
                seed=7, split_seed=None, dev_fraction=0.2, max_steps=2, checkpoint_every=1, progress=False,
                num_threads=1, lr=4e-5, mark_target=False, head="cls", rdrop_alpha=0.0)
    base.update(kw)
    return TrainConfig(**base)


@pytest.mark.parametrize(
    "raw,expected",
    [(-1, 0), ("0", 1), (1, 2), ("1.0", 2), ("Negative", 0), ("neutral", 1), ("positive", 2),
     ("against", 0), ("FAVOR", 2), ("con", 0), ("pro", 2)],
)
def test_normalize_label(raw, expected):
    assert normalize_label(raw, where="x") == expected


def test_unknown_label_names_the_line():
    with pytest.raises(ValueError, match="f.jsonl:3: unknown label 'maybe'"):
        normalize_label("maybe", where="f.jsonl:3")


@pytest.mark.parametrize(
    "kwargs,match",
    [({"epochs": 0}, "epochs"), ({"lr": 0}, "lr"), ({"dev_fraction": 0.7}, "dev_fraction"),
     ({"max_length": 4}, "max_length"), ({"data": ()}, "empty"),
     ({"layer_lr_decay": 0}, "layer_lr_decay"), ({"layer_lr_decay": 1.5}, "layer_lr_decay"),
     ({"rdrop_alpha": -0.5}, "rdrop_alpha"), ({"name_swap_fraction": 1.0}, "name_swap_fraction"),
     ({"adversarial_epsilon": -1.0}, "adversarial_epsilon"), ({"ema_decay": 1.0}, "ema_decay")],
)
def test_config_validation(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        _config(tmp_path, "x", **kwargs)


def test_dataspec_validation(tmp_path):
    with pytest.raises(ValueError, match="jsonl or .csv"):
        DataSpec(tmp_path / "a.txt")
    with pytest.raises(ValueError, match="both start_field and end_field"):
        DataSpec(tmp_path / "a.csv", start_field="from")


def test_read_csv_with_span(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("sentence,from,to,polarity\n\"Rome backed Paris.\",0,4,1\n\"Rome backed Paris.\",12,17,-1\n")
    rows = read_examples(DataSpec(path, text_field="sentence", target_field=None, start_field="from",
                                  end_field="to", label_field="polarity"))
    assert [(r.target, r.label) for r in rows] == [("Rome", 2), ("Paris", 0)]
    path.write_text("sentence,from,to,polarity\n\"Rome.\",0,40,1\n")
    with pytest.raises(ValueError, match="d.csv:2: target span"):
        read_examples(DataSpec(path, text_field="sentence", target_field=None, start_field="from",
                               end_field="to", label_field="polarity"))


def test_split_dev_keeps_sentences_whole(tmp_path):
    rows = read_examples(DataSpec(_write_jsonl(tmp_path / "t.jsonl")))
    train_rows, dev_rows = split_dev(rows, fraction=0.25, seed=1)
    assert dev_rows and train_rows
    assert not {r.text for r in train_rows} & {r.text for r in dev_rows}
    assert split_dev(rows, fraction=0.25, seed=1) == (train_rows, dev_rows)


def test_train_saves_config_and_loadable_model(tmp_path):
    out = train(_config(tmp_path, "m"))
    meta = json.loads((out / "config.json").read_text())
    assert meta["complete"] and meta["train"]["steps"] == 2
    assert meta["config"]["seed"] == 7 and meta["temperature"] > 0
    assert meta["data_counts"]["train_examples_after_repeat"] + meta["data_counts"]["heldout_dev"] == 20
    assert not (out / "checkpoint").exists()
    clf = StanceClassifier.from_pretrained(out, backend="torch")
    assert len(clf.predict(["the envoy"], ["The envoy spoke."])) == 1
    # a rerun of a finished config is a no-op
    mtime = (out / "model.safetensors").stat().st_mtime_ns
    assert train(_config(tmp_path, "m")) == out
    assert (out / "model.safetensors").stat().st_mtime_ns == mtime


def test_same_seed_same_weights_other_seed_differs(tmp_path):
    a = load_file(str(train(_config(tmp_path, "a")) / "model.safetensors"))
    b = load_file(str(train(_config(tmp_path, "b")) / "model.safetensors"))
    c = load_file(str(train(_config(tmp_path, "c", seed=8)) / "model.safetensors"))
    key = "classifier.weight"
    assert (a[key] == b[key]).all()
    assert not (a[key] == c[key]).all()


@pytest.mark.parametrize("options", [{}, {"ema_decay": 0.8, "adversarial_epsilon": 1.0}])
def test_interrupted_run_resumes_to_the_same_weights(tmp_path, monkeypatch, options):
    full = load_file(str(train(_config(tmp_path, "full", max_steps=3, **options)) / "model.safetensors"))
    real_save = training_loop._save_checkpoint

    def save_then_crash(ckpt, *, model, optimizer, state, **kw):
        real_save(ckpt, model=model, optimizer=optimizer, state=state, **kw)
        if state["step"] == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(training_loop, "_save_checkpoint", save_then_crash)
    with pytest.raises(KeyboardInterrupt):
        train(_config(tmp_path, "resumed", max_steps=3, **options))
    state = json.loads((tmp_path / "resumed" / "checkpoint" / "state.json").read_text())
    assert state["step"] == 2
    monkeypatch.setattr(training_loop, "_save_checkpoint", real_save)
    resumed = load_file(str(train(_config(tmp_path, "resumed", max_steps=3, **options)) / "model.safetensors"))
    assert json.loads((tmp_path / "resumed" / "config.json").read_text())["train"]["steps"] == 3
    for key in ("classifier.weight", "bert.encoder.layer.5.output.dense.weight"):
        assert (full[key] == resumed[key]).all(), key


def test_resume_refuses_changed_data(tmp_path, monkeypatch):
    real_save = training_loop._save_checkpoint

    def save_then_crash(ckpt, *, model, optimizer, state, **kw):
        real_save(ckpt, model=model, optimizer=optimizer, state=state, **kw)
        raise KeyboardInterrupt

    monkeypatch.setattr(training_loop, "_save_checkpoint", save_then_crash)
    config = _config(tmp_path, "grown")
    with pytest.raises(KeyboardInterrupt):
        train(config)
    monkeypatch.setattr(training_loop, "_save_checkpoint", real_save)
    extra = [json.dumps({"text": f"Extra sentence number {i} about the envoy.", "target": "the envoy", "label": "neutral"})
             for i in range(10)]
    with open(config.data[0].path, "a", encoding="utf-8") as handle:
        handle.write("\n".join(extra) + "\n")
    with pytest.raises(RuntimeError, match="files changed"):
        train(config)


def test_train_restores_torch_globals(tmp_path):
    import torch

    before = (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled())
    train(_config(tmp_path, "g", num_threads=1))
    assert (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()) == before


@pytest.mark.parametrize(
    "header,row,expected",
    [
        ("text,target,label", '"Rome backed Paris.",Paris,pro', ("text", "target", "label", None)),
        ("sentence,mention,polarity", '"Rome backed Paris.",Paris,1', ("sentence", "mention", "polarity", None)),
        ("sentence,from,to,polarity", '"Rome backed Paris.",12,17,1', ("sentence", None, "polarity", "from")),
    ],
)
def test_dataspec_auto_detects_fields(tmp_path, header, row, expected):
    path = tmp_path / "d.csv"
    path.write_text(f"{header}\n{row}\n")
    spec = DataSpec.auto(path)
    assert (spec.text_field, spec.target_field, spec.label_field, spec.start_field) == expected
    assert [(e.target, e.label) for e in read_examples(spec)] == [("Paris", 2)]


def test_config_accepts_bare_paths(tmp_path):
    config = _config(tmp_path, "p", data=(str(_write_jsonl(tmp_path / "x.jsonl")),))
    assert config.data[0].target_field == "target"
    path = tmp_path / "bad.csv"
    path.write_text("words,label\nhello,pro\n")
    with pytest.raises(ValueError, match="no text field"):
        _config(tmp_path, "q", data=(path,))


def test_average_models_is_the_mean_of_its_members(tmp_path):
    a = train(_config(tmp_path, "a", seed=7, split_seed=1))
    b = train(_config(tmp_path, "b", seed=8, split_seed=1))
    soup = soups.average_models([a, b], tmp_path / "soup")
    wa, wb, ws = (load_file(str(d / "model.safetensors")) for d in (a, b, soup))
    key = "classifier.weight"
    assert not (wa[key] == wb[key]).all()
    assert ws[key].float().allclose((wa[key].float() + wb[key].float()) / 2, atol=1e-3)
    meta = json.loads((soup / "config.json").read_text())
    assert [m["seed"] for m in meta["soup"]["members"]] == [7, 8]
    assert meta["seeds"]["dev_split_seed"] == 1 and meta["temperature"] > 0
    assert len(StanceClassifier.from_pretrained(soup, backend="torch").predict(["the envoy"], ["The envoy spoke."])) == 1


@pytest.mark.parametrize("other,message", [
    ({"seed": 8, "split_seed": 2}, "calibration split"),
    ({"seed": 8, "split_seed": 1, "lr": 1e-4}, r"differ in \['lr'\]"),
])
def test_average_models_refuses_runs_of_other_recipes(tmp_path, other, message):
    a = train(_config(tmp_path, "a", seed=7, split_seed=1))
    b = train(_config(tmp_path, "b", **other))
    with pytest.raises(ValueError, match=message):
        soups.average_models([a, b], tmp_path / "soup")


def _extra_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"text": text, "target": "Oslo", "label": "pro"}) + "\n")
    return path


def test_average_models_with_other_training_data_keeps_each_members_config(tmp_path):
    base = DataSpec(_write_jsonl(tmp_path / "train.jsonl"))
    extra = DataSpec(_extra_file(tmp_path, "extra.jsonl", "Oslo welcomed the deal."), holdout=False)
    a = train(_config(tmp_path, "a", seed=7, split_seed=1))
    b = train(_config(tmp_path, "b", seed=7, split_seed=1, data=(base, extra)))  # training-only rows added
    with pytest.raises(ValueError, match=r"differ in \['data'\].*same_data=False"):
        soups.average_models([a, b], tmp_path / "soup")
    soup = soups.average_models([a, b], tmp_path / "soup", same_data=False)
    members = json.loads((soup / "config.json").read_text())["soup"]["members"]
    assert [len(m["config"]["data"]) for m in members] == [1, 2]
    for m in members:  # each recorded config still names its run
        assert TrainConfig(**m["config"]).fingerprint() == m["fingerprint"]


def test_average_models_script_writes_the_soup_and_needs_two_runs(tmp_path, load_script, capsys):
    script = load_script("average_models")
    a = train(_config(tmp_path, "a", seed=7, split_seed=1))
    b = train(_config(tmp_path, "b", seed=8, split_seed=1))
    with pytest.raises(SystemExit):
        script.main([str(a), "--output", str(tmp_path / "soup")])
    assert "give two or more model folders" in capsys.readouterr().err
    assert script.main([str(a), str(b), "--output", str(tmp_path / "soup")]) == 0
    assert capsys.readouterr().out == f"Model written to {tmp_path / 'soup'}\n"
    assert [m["seed"] for m in json.loads((tmp_path / "soup" / "config.json").read_text())["soup"]["members"]] == [7, 8]


def test_average_models_refuses_members_that_held_out_other_sentences(tmp_path):
    base = DataSpec(_write_jsonl(tmp_path / "train.jsonl"))
    held = DataSpec(_extra_file(tmp_path, "more.jsonl", "Oslo praised the envoy."))  # holdout=True: joins the split
    a = train(_config(tmp_path, "a", seed=7, split_seed=1))
    b = train(_config(tmp_path, "b", seed=7, split_seed=1, data=(base, held)))
    with pytest.raises(ValueError, match="held out other calibration sentences"):
        soups.average_models([a, b], tmp_path / "soup", same_data=False)


def test_mark_target_trains_on_marked_text_and_the_model_marks_at_prediction(tmp_path, monkeypatch):
    out = train(_config(tmp_path, "marked", mark_target=True))
    meta = json.loads((out / "config.json").read_text())
    assert meta["mark_target"] is True and "marked" in meta["input_format"]
    seen = []
    clf = StanceClassifier.from_pretrained(out, backend="torch")
    original = clf.tokenizer.__class__.__call__
    monkeypatch.setattr(clf.tokenizer.__class__, "__call__",
                        lambda self, targets, texts, **kw: seen.extend(texts) or original(self, targets, texts, **kw))
    clf.predict(["the envoy"], ["The envoy spoke."])
    assert seen == ["<< The envoy >> spoke."]
    assert clf.model_texts(["the envoy"], ["The envoy spoke."]) == seen  # what bench's pipeline baseline feeds
    clf.predict(["the envoy"], ["The envoy met the envoy."], spans=[(14, 23)])  # the second one is meant
    assert seen[-1] == "The envoy met << the envoy >>."
    with pytest.raises(ValueError, match="span 14:40 is outside the text"):
        clf.predict(["the envoy"], ["The envoy met the envoy."], spans=[(14, 40)])
    _, dev_rows, _ = training._load_split(_config(tmp_path, "marked", mark_target=True))
    assert all("<< " in e.text for e in dev_rows)


def test_contrast_repeat_oversamples_only_sentences_whose_targets_disagree(tmp_path):
    path = tmp_path / "multi.jsonl"
    rows = [  # (text, target, label): one contrastive sentence, one multi-target sentence that agrees, one single
        ("Rome backed Paris but scolded Bonn.", "Paris", "favor"),
        ("Rome backed Paris but scolded Bonn.", "Bonn", "against"),
        ("Rome and Paris met Bonn.", "Paris", "neutral"),
        ("Rome and Paris met Bonn.", "Bonn", "neutral"),
        ("Rome praised Oslo.", "Oslo", "favor"),
    ]
    path.write_text("".join(json.dumps({"text": x, "target": t, "label": y}) + "\n" for x, t, y in rows))
    config = TrainConfig(data=(DataSpec(path, repeat=2, contrast_repeat=3),), output_dir=tmp_path / "o",
                         dev_fraction=0.01, progress=False, mark_target=False, head="cls")  # dev_fraction rounds up to one held-out sentence
    train_rows, dev_rows, counts = training._load_split(config)
    held_out = {e.text for e in dev_rows}
    assert "Rome backed Paris but scolded Bonn." not in held_out  # else the check below proves nothing
    copies = {(x, t): 0 for x, t, _ in rows if x not in held_out}
    for e in train_rows:
        copies[(e.text, e.target)] += 1
    expected = {(x, t): 6 if x.startswith("Rome backed") else 2 for x, t, _ in rows if x not in held_out}
    assert copies == expected
    assert counts[str(path)] == {"examples": 5, "repeat": 2, "contrast_repeat": 3}
    with pytest.raises(ValueError, match="contrast_repeat must be >= 1"):
        DataSpec(path, contrast_repeat=0)


def test_files_without_holdout_train_but_never_change_the_calibration_split(tmp_path):
    real, extra = tmp_path / "real.jsonl", tmp_path / "extra.jsonl"
    real.write_text("".join(json.dumps({"text": f"Officials in city {i} praised the envoy.", "target": "the envoy",
                                        "label": "favor"}) + "\n" for i in range(40)))
    extra.write_text("".join(json.dumps({"text": f"Town {i} backed Paris but scolded Bonn.", "target": t, "label": y})
                             + "\n" for i in range(30) for t, y in (("Paris", "favor"), ("Bonn", "against"))))

    def split(*specs):
        config = TrainConfig(data=specs, output_dir=tmp_path / "o", dev_fraction=0.2, progress=False)
        return training._load_split(config)

    alone_train, alone_dev, _ = split(DataSpec(real))
    with_train, with_dev, _ = split(DataSpec(real), DataSpec(extra, holdout=False))
    assert with_dev == alone_dev  # the same held-out sentences, none of them from the extra file
    assert len(with_train) == len(alone_train) + 60  # every extra row trains
    mixed_dev = split(DataSpec(real), DataSpec(extra))[1]
    assert any("Town" in e.text for e in mixed_dev)  # by default a file is held out from like any other


@pytest.mark.parametrize(
    "target,text,expected_token",
    [
        ("Paris", "Rome backed << Paris >> today.", "<"),  # the opening marker in the text
        ("Paris", "Rome backed Paris today.", "[CLS]"),  # no marker: [CLS] stands in
        ("<Paris>", "Rome backed << Paris >> today.", "<"),  # a "<" in the target segment is not the marker
    ],
)
def test_target_positions_point_at_the_first_marker_of_the_text(target, text, expected_token):
    from transformers import AutoTokenizer

    from stance.classifier import backbone_path, encode_pairs
    from stance.target_head import target_positions

    tokenizer = AutoTokenizer.from_pretrained(str(backbone_path()))
    enc = encode_pairs(tokenizer, [target], [text], max_length=48, return_tensors="pt")
    position = int(target_positions(enc["input_ids"], enc["token_type_ids"], tokenizer.convert_tokens_to_ids("<"))[0])
    assert tokenizer.convert_ids_to_tokens(int(enc["input_ids"][0, position])) == expected_token
    if expected_token == "<":
        following = tokenizer.convert_ids_to_tokens(enc["input_ids"][0, position + 1 : position + 3].tolist())
        assert following == ["<", "paris"]
        assert int(enc["token_type_ids"][0, position]) == 1


def test_target_head_needs_marked_text(tmp_path):
    with pytest.raises(ValueError, match="set mark_target=True"):
        _config(tmp_path, "x", head="target")
    with pytest.raises(ValueError, match="head must be one of"):
        _config(tmp_path, "x", head="mean")


def test_target_head_trains_saves_and_runs_the_same_in_onnx(tmp_path, monkeypatch):
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    out = train(_config(tmp_path, "target", mark_target=True, head="target"))
    assert json.loads((out / "config.json").read_text())["head"] == "target"
    targets = ["the envoy", "the treaty", "Ankara"]
    texts = ["The envoy was praised warmly.", "The minister condemned the treaty.", "Nothing about it."]
    fp32 = StanceClassifier.from_pretrained(out, backend="torch").logits(targets, texts)
    int8 = StanceClassifier.from_pretrained(out, backend="onnx").logits(targets, texts)
    assert type(StanceClassifier.from_pretrained(out, backend="torch")._torch_model).__name__ == "TargetPooledBert"
    assert abs(fp32 - int8).max() < 0.05


@pytest.mark.parametrize("fraction", [0.0, 0.5])
def test_unmarked_fraction_leaves_that_share_of_training_rows_unmarked(tmp_path, fraction):
    rows = [{"text": f"Officials in city {i} praised the envoy.", "target": "the envoy", "label": "favor"}
            for i in range(400)]
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    config = TrainConfig(data=(DataSpec(path),), output_dir=tmp_path / "o", mark_target=True,
                         unmarked_fraction=fraction, progress=False)
    train_rows, dev_rows, _ = training._load_split(config)
    unmarked = sum("<< " not in e.text for e in train_rows) / len(train_rows)
    assert abs(unmarked - fraction) < 0.08
    assert all("<< the envoy >>" in e.text for e in dev_rows)  # calibration sees the input used at prediction
    assert training._load_split(config)[0] == train_rows  # seeded


def test_unmarked_fraction_is_checked(tmp_path):
    with pytest.raises(ValueError, match="unmarked_fraction must be in"):
        _config(tmp_path, "x", mark_target=True, unmarked_fraction=1.0)


@pytest.mark.parametrize("mention, swappable", [
    ("Trump", True), ("Mr. Obama", True), ("Hillary Clinton", True),
    ("He", False), ("she", False), ("Him", False), ("the senator", False),
])
def test_only_names_are_swapped(mention, swappable):
    assert training.is_swappable_name(mention) is swappable


@pytest.mark.parametrize("text, target, expected", [
    ("<< Trump >> said Trump’s plan works.", "Trump", "<< Cruz >> said Cruz’s plan works."),
    ("<< Trump >> played the trumpet and Trumpism.", "Trump", "<< Cruz >> played the trumpet and Trumpism."),
    ("Critics mocked << Trump >>.", "Trump", "Critics mocked << Cruz >>."),
    ("Trump praised Pence.", "Trump", "Cruz praised Pence."),  # unmarked rows too
])
def test_swap_name_replaces_every_whole_word_occurrence(text, target, expected):
    swapped = training.swap_name(training.Example(target=target, text=text, label=2, source="x", span=(0, 5)), "Cruz")
    assert (swapped.text, swapped.target, swapped.label) == (expected, "Cruz", 2)


def test_name_swap_fraction_swaps_that_share_of_named_training_rows_only(tmp_path):
    rows = [{"sentence": f"In city {i} {name} praised the envoy.", "from": len(f"In city {i} "),
             "to": len(f"In city {i} {name}"), "polarity": 1}
            for i in range(300) for name in ("Merkel", "He", "Putin")]
    path = tmp_path / "spans.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    spec = DataSpec(path, text_field="sentence", target_field=None, start_field="from", end_field="to",
                    label_field="polarity")
    base = TrainConfig(data=(spec,), output_dir=tmp_path / "o", mark_target=True, progress=False)
    plain_train, plain_dev, _ = training._load_split(base)
    swapped_train, swapped_dev, _ = training._load_split(dataclasses.replace(base, name_swap_fraction=0.5))
    assert swapped_dev == plain_dev  # the held-out calibration rows are never changed
    assert len(swapped_train) == len(plain_train)
    changed = [(a, b) for a, b in zip(plain_train, swapped_train) if a != b]
    assert all(a.target != "He" for a, _ in changed)  # pronouns keep their rows
    assert all(b.target in ("Merkel", "Putin") and f"<< {b.target} >>" in b.text and a.target != b.target
               for a, b in changed)
    named = sum(a.target != "He" for a in plain_train)
    # half are drawn; a draw of the row's own name leaves it as it was (1 in 2 with two names)
    assert abs(len(changed) / named - 0.25) < 0.06


@pytest.mark.parametrize("name, depth", [
    ("bert.embeddings.word_embeddings.weight", 0),
    ("bert.embeddings.LayerNorm.bias", 0),
    ("bert.encoder.layer.0.attention.self.query.weight", 1),
    ("bert.encoder.layer.5.output.dense.bias", 6),
    ("bert.pooler.dense.weight", 7),
    ("classifier.weight", 7),
])
def test_layer_depth_counts_from_the_embeddings(name, depth):
    assert training.layer_depth(name, num_layers=6) == depth


@pytest.mark.parametrize("decay", [1.0, 0.5])
def test_parameter_groups_scale_lr_by_depth_and_keep_weight_decay_off_biases(decay):
    from stance.classifier import build_torch_model

    model = build_torch_model(init_from_backbone=False, head="target")
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    groups = training.parameter_groups(model, weight_decay=0.01, layer_lr_decay=decay)
    names = {id(p): n for n, p in model.named_parameters()}
    seen = [names[id(p)] for g in groups for p in g["params"]]
    assert sorted(seen) == sorted(n for n, p in model.named_parameters() if p.requires_grad)
    for group in groups:
        for param in group["params"]:
            name = names[id(param)]
            assert group["weight_decay"] == (0.0 if name.endswith("bias") or "LayerNorm" in name else 0.01)
            assert group["lr_scale"] == pytest.approx(decay ** (7 - training.layer_depth(name, num_layers=6)))
    assert len(groups) == (2 if decay == 1.0 else 16)  # off: the two groups the shipped model was trained with


class _DropoutLogits(__import__("torch").nn.Module):
    """A 3-class model whose output depends on its dropout mask, as the transformer's does."""

    def __init__(self):
        import torch

        super().__init__()
        self.linear = torch.nn.Linear(4, 3)
        self.dropout = torch.nn.Dropout(0.5)

    def forward(self, x):
        from types import SimpleNamespace

        return SimpleNamespace(logits=self.linear(self.dropout(x)))


def test_rdrop_loss_is_cross_entropy_plus_symmetric_kl_of_two_dropout_passes():
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    model, x, y = _DropoutLogits(), torch.randn(8, 4), torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
    torch.manual_seed(1)
    got = training.training_loss(model, {"x": x}, y, rdrop_alpha=2.0)
    torch.manual_seed(1)
    a, b = model(x).logits, model(x).logits
    assert not torch.allclose(a, b)  # the two passes really differ
    pa, pb = a.softmax(-1), b.softmax(-1)
    kl = 0.5 * ((pa * (pa / pb).log()).sum(-1) + (pb * (pb / pa).log()).sum(-1)).mean()
    expected = 0.5 * (F.cross_entropy(a, y) + F.cross_entropy(b, y)) + 2.0 * kl
    assert float(kl.detach()) > 0.01
    assert float(got.detach()) == pytest.approx(float(expected.detach()), rel=1e-5)
    torch.manual_seed(1)
    plain = training.training_loss(model, {"x": x}, y)
    assert float(plain.detach()) == pytest.approx(float(F.cross_entropy(a, y).detach()), rel=1e-5)


def test_rdrop_adds_nothing_without_dropout():
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    model, x, y = _DropoutLogits().eval(), torch.randn(8, 4), torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
    assert float(training.training_loss(model, {"x": x}, y, rdrop_alpha=5.0).detach()) == pytest.approx(
        float(F.cross_entropy(model(x).logits, y).detach()), rel=1e-6)


class _EmbeddingLogits(__import__("torch").nn.Module):
    """Word embeddings (frozen unless ``trainable``), mean-pooled, then a linear layer: the gradient path FGM perturbs."""

    def __init__(self, trainable: bool = False):
        import torch

        super().__init__()
        self.embeddings = torch.nn.Embedding(10, 4)
        self.embeddings.weight.requires_grad_(trainable)
        self.linear = torch.nn.Linear(4, 3)

    def get_input_embeddings(self):
        return self.embeddings

    def forward(self, input_ids):
        from types import SimpleNamespace

        return SimpleNamespace(logits=self.linear(self.embeddings(input_ids).mean(dim=1)))


@pytest.mark.parametrize("trainable", [False, True], ids=["frozen-embeddings", "trained-embeddings"])
def test_fgm_adds_the_loss_at_embeddings_pushed_epsilon_along_the_gradient(trainable):
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    model = _EmbeddingLogits(trainable=trainable)
    ids, y = torch.tensor([[1, 2, 3], [4, 5, 6]]), torch.tensor([0, 2])
    perturbation = training.EmbeddingPerturbation(0.5)
    model.get_input_embeddings().register_forward_hook(perturbation)

    # by hand: the gradient at the embedding output, scaled to norm 0.5 per example
    embedded = model.embeddings(ids).detach().requires_grad_(True)
    F.cross_entropy(model.linear(embedded.mean(dim=1)), y).backward()
    delta = 0.5 * embedded.grad / embedded.grad.flatten(1).norm(dim=1)[:, None, None]
    model.zero_grad()
    embedded = model.embeddings(ids)  # a graph back to the embedding weights when they train
    clean = F.cross_entropy(model.linear(embedded.mean(dim=1)), y)
    pushed = F.cross_entropy(model.linear((embedded + delta).mean(dim=1)), y)
    assert float(pushed.detach()) > float(clean.detach())  # the push raises the loss
    (clean + pushed).backward()
    expected = model.linear.weight.grad.clone()
    expected_embedding = model.embeddings.weight.grad.clone() if trainable else None

    model.zero_grad()
    loss = training.training_step(model, {"input_ids": ids}, y, perturbation=perturbation)
    assert float(loss.detach()) == pytest.approx(float(clean.detach()), rel=1e-6)  # the clean loss is what gets logged
    assert torch.allclose(model.linear.weight.grad, expected, atol=1e-6)
    if trainable:
        assert torch.allclose(model.embeddings.weight.grad, expected_embedding, atol=1e-6)
    else:
        assert model.embeddings.weight.grad is None
    assert perturbation.delta is None and not perturbation.captured  # the hook is a no-op again
    model.zero_grad()
    training.training_step(model, {"input_ids": ids}, y)  # off: plain cross-entropy
    assert not torch.allclose(model.linear.weight.grad, expected, atol=1e-6)


def test_ema_with_decay_near_zero_saves_the_last_weights_and_with_high_decay_stays_near_the_start(tmp_path):
    def run(name, **kw):  # a large lr, so that three steps move the weights far beyond fp16 rounding
        config = _config(tmp_path, name, **{"max_steps": 3, "lr": 5e-3, "warmup_fraction": 0.0, **kw})
        return {k: v.float() for k, v in load_file(str(train(config) / "model.safetensors")).items()}

    plain, last, slow = run("plain"), run("last", ema_decay=1e-9), run("slow", ema_decay=0.99)
    start = run("start", max_steps=1, lr=1e-9)
    key = "bert.encoder.layer.5.output.dense.weight"
    assert (plain[key] - start[key]).abs().max() > 5e-3
    assert (plain[key] - last[key]).abs().max() < 1e-4  # fp16 rounding
    # 0.99 ** 3 = 97% of the initial weights: far closer to the start than the trained model is
    assert (slow[key] - start[key]).abs().max() < 0.1 * (plain[key] - start[key]).abs().max()


def test_update_ema_moves_each_average_by_one_minus_decay():
    import torch

    model = torch.nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, 3.0]]))
    ema = {"weight": torch.zeros(1, 2)}
    training.update_ema(ema, model, decay=0.75)
    assert ema["weight"].tolist() == [[0.25, 0.75]]
    assert set(ema) == {"weight"}  # only the parameters it was given


def test_train_script_defaults_are_the_shipped_recipe(load_script):
    """A bare `scripts/train_model.py --output DIR` must train as the shipped model's members were trained
    (their teacher and transfer files aside)."""
    script = load_script("train_model")
    shipped = base_record()["config"]
    recipe = dict(script.SHIPPED_RECIPE)
    assert recipe.pop("contrast_repeat") == shipped["data"][0]["contrast_repeat"]
    multitarget_files = [d["path"] for d in shipped["data"] if "/data/multitarget/" in d["path"]]
    assert recipe.pop("multitarget") == bool(multitarget_files)
    assert recipe == {key: shipped[key] for key in recipe}


def test_the_shipped_models_fingerprint_matches_its_recorded_config():
    """A rerun of a recorded config must be recognised as that run, so options added to TrainConfig after
    the shipped model (each member of its soup) was trained must leave its fingerprint as recorded."""
    runs = []
    for meta in lineage():  # the shipped model and each model it started from; a soup's members are each a run
        runs += [(m["config"], m["fingerprint"]) for m in meta["soup"]["members"]] if "soup" in meta else \
            [(meta["config"], meta["fingerprint"])]
    for config, fingerprint in runs:
        if config.get("init_from"):  # the folder now holds the model trained from it; its version is recorded
            config = {**config, "init_from": "/nonexistent/starting-model"}
        assert TrainConfig(**config).fingerprint() == fingerprint
        for option in ({"adversarial_epsilon": 1.0}, {"ema_decay": 0.99}):  # on, they are a different recipe
            assert TrainConfig(**{**config, **option}).fingerprint() != fingerprint


def test_distillation_loss_mixes_cross_entropy_with_the_tempered_kl_to_the_teacher():
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    student, teacher, y = torch.randn(6, 3), torch.randn(6, 3) * 3, torch.tensor([0, 1, 2, 2, 1, 0])
    weight, temperature = 0.3, 2.0
    p_t, p_s = (teacher / temperature).softmax(-1), (student / temperature).softmax(-1)
    kd = temperature**2 * (p_t * (p_t / p_s).log()).sum(-1).mean()
    expected = (1 - weight) * F.cross_entropy(student, y) + weight * kd
    got = training.supervised_loss(student, y, teacher_logits=teacher, distill_weight=weight, temperature=temperature)
    assert float(kd) > 0.05
    assert float(got) == pytest.approx(float(expected), rel=1e-5)
    # a teacher that agrees with the student adds nothing but takes its weight off the gold labels
    same = training.supervised_loss(student, y, teacher_logits=student, distill_weight=weight, temperature=temperature)
    assert float(same) == pytest.approx((1 - weight) * float(F.cross_entropy(student, y)), rel=1e-5)


def _teacher_file(tmp_path: Path, config: TrainConfig, logits, *, drop: int = 0) -> Path:
    rows, _, _ = training._load_split(config)
    keys = sorted({(e.target, e.text) for e in rows})[drop:]
    path = tmp_path / f"teacher-{'-'.join(map(str, logits))}-{drop}.jsonl"
    path.write_text("".join(json.dumps({"target": t, "text": x, "logits": list(logits)}) + "\n" for t, x in keys))
    return path


def test_distillation_pulls_the_student_toward_its_teacher(tmp_path):
    base = _config(tmp_path, "probe")

    def favor_probability(name, teacher):
        path = _teacher_file(tmp_path, base, teacher)
        out = train(_config(tmp_path, name, teacher_logits=path, distill_weight=1.0, max_steps=3, lr=5e-3,
                            warmup_fraction=0.0))
        assert json.loads((out / "config.json").read_text())["config"]["distill_weight"] == 1.0
        clf = StanceClassifier.from_pretrained(out, backend="torch")
        texts = [template.format(t=s) for s in SUBJECTS for template, _ in TEMPLATES]
        targets = [s for s in SUBJECTS for _ in TEMPLATES]
        return clf.predict_proba(targets, texts)[:, 2].mean()

    # the gold labels are balanced; only the teacher says "favor" in one run and "against" in the other
    assert favor_probability("to-favor", (-4.0, -4.0, 4.0)) > favor_probability("to-against", (4.0, -4.0, -4.0)) + 0.2


def test_distillation_refuses_a_teacher_file_that_misses_training_rows(tmp_path):
    base = _config(tmp_path, "probe")
    path = _teacher_file(tmp_path, base, (0.0, 0.0, 0.0), drop=1)
    with pytest.raises(ValueError, match=r"no teacher logits for \d+ of \d+ training rows.*train_teacher"):
        train(_config(tmp_path, "short", teacher_logits=path, distill_weight=0.5))


@pytest.mark.parametrize("kwargs,match", [
    ({"distill_weight": 0.5}, "needs both teacher_logits"),
    ({"teacher_logits": "TEACHER"}, "needs both teacher_logits"),
    ({"teacher_logits": "TEACHER", "distill_weight": 1.5}, "distill_weight must be in"),
    ({"teacher_logits": "TEACHER", "distill_weight": 0.5, "distill_temperature": 0}, "distill_temperature"),
    ({"teacher_logits": "missing.jsonl", "distill_weight": 0.5}, "not found"),
])
def test_distillation_options_are_checked(tmp_path, kwargs, match):
    teacher = tmp_path / "teacher.jsonl"
    teacher.write_text("")
    kwargs = {k: (teacher if v == "TEACHER" else tmp_path / v if k == "teacher_logits" else v) for k, v in kwargs.items()}
    with pytest.raises(ValueError, match=match):
        _config(tmp_path, "x", **kwargs)


def test_a_changed_teacher_file_changes_the_fingerprint_so_a_rerun_does_not_resume(tmp_path):
    base = _config(tmp_path, "probe")
    path = _teacher_file(tmp_path, base, (1.0, 0.0, 0.0))
    first = _config(tmp_path, "kd", teacher_logits=path, distill_weight=0.5).fingerprint()
    assert first != base.fingerprint()
    moved = path.rename(tmp_path / "elsewhere.jsonl")
    assert _config(tmp_path, "kd", teacher_logits=moved, distill_weight=0.5).fingerprint() == first  # content counts
    moved.write_text(moved.read_text().replace("1.0, 0.0, 0.0", "0.0, 0.0, 1.0"))
    assert _config(tmp_path, "kd", teacher_logits=moved, distill_weight=0.5).fingerprint() != first


def test_a_saved_config_keeps_its_teacher_hash_after_the_teacher_file_is_gone(tmp_path):
    base = _config(tmp_path, "probe")
    path = _teacher_file(tmp_path, base, (1.0, 0.0, 0.0))
    config = _config(tmp_path, "kd", teacher_logits=path, distill_weight=0.5)
    saved = json.loads(json.dumps(config.to_json()))  # as config.json records it
    path.write_text(path.read_text().replace("1.0, 0.0, 0.0", "0.0, 0.0, 1.0"))
    with pytest.raises(ValueError, match="content changed"):
        TrainConfig(**saved)
    path.unlink()
    assert TrainConfig(**saved).fingerprint() == config.fingerprint()
    with pytest.raises(FileNotFoundError, match="train_teacher"):
        training.read_teacher_logits(path)


def test_train_config_defaults_are_the_shipped_recipe(tmp_path):
    """The Python API trains what `stance train` and scripts/train_model.py train by default."""
    config = TrainConfig(data=(_write_jsonl(tmp_path / "train.jsonl"),), output_dir=tmp_path / "o")
    shipped = base_record()["config"]
    for key in ("epochs", "lr", "batch_size", "seed", "split_seed", "mark_target", "head", "rdrop_alpha",
                "max_length", "dev_fraction", "warmup_fraction", "weight_decay", "freeze_embeddings", "layer_lr_decay",
                "unmarked_fraction", "name_swap_fraction"):
        assert getattr(config, key) == shipped[key], key


@pytest.mark.parametrize("teacher,weight", [(None, 0.0), ("", 0.0), ("teacher.jsonl", 0.3)])
def test_distillation_options_apply_the_weight_only_with_a_teacher_file(teacher, weight):
    options = training.distillation_options(teacher, weight=0.3, temperature=3.0)
    assert options == {"teacher_logits": teacher, "distill_weight": weight, "distill_temperature": 3.0}


def test_init_from_continues_from_a_finished_model_and_counts_in_the_fingerprint(tmp_path):
    first = train(_config(tmp_path, "first", max_steps=3, lr=5e-3, warmup_fraction=0.0))
    fresh = _config(tmp_path, "fresh", max_steps=1, lr=1e-9)
    continued = _config(tmp_path, "continued", max_steps=1, lr=1e-9, init_from=first)
    assert continued.init_from_version and continued.fingerprint() != fresh.fingerprint()
    assert fresh.to_json()["init_from"] is None
    key = "bert.encoder.layer.5.output.dense.weight"
    start = load_file(str(first / "model.safetensors"))[key].float()
    # with a vanishing lr the continued run keeps the first run's weights, the fresh run the backbone's
    assert (load_file(str(train(continued) / "model.safetensors"))[key].float() - start).abs().max() < 1e-3
    assert (load_file(str(train(fresh) / "model.safetensors"))[key].float() - start).abs().max() > 5e-3


def test_init_from_refuses_another_head_or_a_missing_folder(tmp_path):
    first = train(_config(tmp_path, "first", max_steps=1))
    with pytest.raises(ValueError, match="has head 'cls' but head is 'target'"):
        _config(tmp_path, "other", init_from=first, head="target", mark_target=True)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        _config(tmp_path, "gone", init_from=tmp_path / "nowhere")


def test_speaker_input_reads_the_speaker_field_and_is_recorded(tmp_path):
    data = tmp_path / "spk.jsonl"
    rows = [{"text": f"The minister said talks with {t} went well.", "target": t, "label": "favor", "actor": a}
            for t, a in (("Sylvania", "Freedonia"), ("Freedonia", ""), ("Ruritania", "Sylvania"))] * 2
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    examples = training.read_examples(DataSpec(data, speaker_field="actor"))
    assert training.first_segments(examples[:2], speaker_input=True) == [
        "speaker: Freedonia | target: Sylvania", "Freedonia"]
    assert training.first_segments(examples[:2], speaker_input=False) == ["Sylvania", "Freedonia"]
    assert [e.speaker for e in training.read_examples(DataSpec(data))] == [""] * 6  # field not asked for
    plain = _config(tmp_path, "plain", data=(DataSpec(data),))
    assert "speaker_field" not in plain.to_json()["data"][0]  # older configs keep their fingerprints
    config = _config(tmp_path, "spk", data=(DataSpec(data, speaker_field="actor"),), speaker_input=True,
                     dev_fraction=0.3)
    assert config.fingerprint() != plain.fingerprint()
    saved = json.loads((train(config) / "config.json").read_text())
    assert saved["speaker_input"] is True and "speaker" in saved["input_format"]
    assert "speaker_input" not in json.loads((train(plain) / "config.json").read_text())


def test_a_recorded_config_whose_starting_model_is_gone_still_loads_by_its_hash(tmp_path):
    first = train(_config(tmp_path, "first", max_steps=1))
    recorded = _config(tmp_path, "continued", max_steps=1, init_from=first).to_json()
    version = recorded["init_from_version"]
    gone = {**recorded, "init_from": str(tmp_path / "replaced")}
    assert TrainConfig(**gone).init_from_version == version
    with pytest.raises(FileNotFoundError, match="does not exist"):  # no hash: the folder must be there
        TrainConfig(**{**gone, "init_from_version": None})


def test_average_models_takes_runs_continued_from_copies_of_one_model_but_not_from_two_models(tmp_path):
    import shutil

    first = train(_config(tmp_path, "first", seed=7, split_seed=1))
    copy = Path(shutil.copytree(first, tmp_path / "copy-of-first"))
    other = train(_config(tmp_path, "other", seed=9, split_seed=1))
    tuned = {name: train(_config(tmp_path, name, seed=8, split_seed=1, max_steps=1, init_from=start))
             for name, start in (("from-first", first), ("from-copy", copy), ("from-other", other))}
    soup = soups.average_models([tuned["from-first"], tuned["from-copy"]], tmp_path / "soup")
    assert len(json.loads((soup / "config.json").read_text())["soup"]["members"]) == 2
    with pytest.raises(ValueError, match=r"differ in \['init_from_version'\]"):
        soups.average_models([tuned["from-first"], tuned["from-other"]], tmp_path / "soup2")


def test_interpolate_models_mixes_a_continued_run_with_its_starting_model(tmp_path):
    first = train(_config(tmp_path, "first", seed=7, split_seed=1))
    tuned = train(_config(tmp_path, "tuned", seed=8, split_seed=1, max_steps=2, lr=1e-3, init_from=first))
    wise = soups.interpolate_models(tuned, tmp_path / "wise", weight=0.25)
    wf, wt, ww = (load_file(str(d / "model.safetensors")) for d in (first, tuned, wise))
    key = "classifier.weight"
    assert not wf[key].float().allclose(wt[key].float(), atol=1e-4)
    assert ww[key].float().allclose(0.25 * wt[key].float() + 0.75 * wf[key].float(), atol=1e-3)
    meta = json.loads((wise / "config.json").read_text())
    assert meta["soup"]["weight_of_tuned"] == 0.25 and meta["temperature"] > 0
    with pytest.raises(ValueError, match="not continued from another model"):
        soups.interpolate_models(first, tmp_path / "wise2")
    with pytest.raises(ValueError, match="weight must be in"):
        soups.interpolate_models(tuned, tmp_path / "wise3", weight=1.0)


def test_init_heldout_holds_out_exactly_the_sentences_the_starting_model_held_out(tmp_path):
    """A continued run whose data differ (here: one more held-out-able file) would draw another split, holding out
    sentences the starting model trained on. With init_heldout it holds out the starting model's sentences."""
    first = train(_config(tmp_path, "first", max_steps=1))
    first_dev = {e.text for e in training._load_split(_config(tmp_path, "again"))[1]}
    extra = tmp_path / "extra.jsonl"
    extra.write_text("".join(json.dumps({"text": f"The minister thanked the delegation of city {i}.",
                                         "target": "the delegation", "label": "favor"}) + "\n" for i in range(12)))
    data = (DataSpec(tmp_path / "train.jsonl"), DataSpec(extra))
    naive = _config(tmp_path, "naive", data=data, init_from=first)
    anchored = _config(tmp_path, "anchored", data=data, init_from=first, init_heldout=True)
    assert {e.text for e in training._load_split(naive)[1]} != first_dev  # the leak this option closes
    train_rows, dev_rows, _ = training._load_split(anchored)
    assert {e.text for e in dev_rows} == first_dev
    assert not {e.text for e in train_rows} & first_dev
    assert training.init_model_heldout_texts(first) == first_dev
    assert anchored.fingerprint() != naive.fingerprint()


def test_init_heldout_needs_init_from_and_refuses_a_split_it_cannot_rebuild(tmp_path):
    with pytest.raises(ValueError, match="init_heldout .* set init_from"):
        _config(tmp_path, "x", init_heldout=True)
    first = train(_config(tmp_path, "first", max_steps=1))
    with open(tmp_path / "train.jsonl", "a", encoding="utf-8") as handle:  # the data changed since it trained
        handle.write(json.dumps({"text": "A late row about the envoy.", "target": "the envoy", "label": "neutral"}) + "\n")
    with pytest.raises(ValueError, match="data files changed"):
        training.init_model_heldout_texts(first)


@pytest.mark.skipif(not (shared_data_dir() / "newsmtsc" / "train.jsonl").is_file(), reason="needs ../shared/data")
def test_the_shipped_models_heldout_split_is_rebuilt_from_its_config():
    """The shipped soup's calibration rows, rebuilt from its saved config (its diplomatic files now under data/)."""
    held = training.init_model_heldout_texts(SHIPPED_CONFIG.parent)  # raises unless the rows match the record
    meta = json.loads(SHIPPED_CONFIG.read_text())
    if "init_model" in meta:  # a continued fine-tuning holds out the starting model's sentences in its own files
        assert held < training._heldout_texts(meta["init_model"], where="starting model")
    assert held


def test_train_script_anchor_writes_its_teacher_file_and_distils_from_the_init_model(tmp_path, load_script, monkeypatch):
    import sys

    first = train(_config(tmp_path, "first", max_steps=1, head="target", mark_target=True))
    extra = _extra_file(tmp_path, "extra.jsonl", "Oslo welcomed the deal.")
    out = tmp_path / "anchored"
    monkeypatch.setattr(sys, "argv", [
        "train_model.py", "--output", str(out), "--no-newsmtsc", "--no-diplomatic", "--data", str(tmp_path / "train.jsonl"),
        "--train-only", str(extra), "--init-from", str(first), "--anchor", "--distill-weight", "0.7",
        "--max-steps", "1", "--threads", "1", "--batch-size", "4", "--max-length", "32", "--rdrop-alpha", "0"])
    load_script("train_model").main()
    recorded = json.loads((out / "config.json").read_text())["config"]
    assert (recorded["teacher_logits"], recorded["distill_weight"]) == (str(out / "anchor_logits.jsonl"), 0.7)
    assert recorded["init_heldout"] is True
    table = training.read_teacher_logits(out / "anchor_logits.jsonl")
    peaked = [k for k, v in table.items() if sorted(v) == [0.0, 0.0, 6.0]]
    assert [k[0] for k in peaked] == ["Oslo"]  # the --train-only row only; the others carry the init model's
    def words(text: str) -> str:
        return " ".join(text.replace("<<", " ").replace(">>", " ").split())

    held = {words(t) for t in training.init_model_heldout_texts(first)}
    assert held and not {words(text) for _, text in table} & held  # nothing the init model held out is trained on
