"""The shipped stance model on unambiguous statements, backends, batching and load errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from stance.classifier import (
    LABELS,
    REQUIRED_FILES,
    ModelNotFoundError,
    StanceClassifier,
    StancePrediction,
    default_model_dir,
)

# (target, text, expected label): our own sentences, stance unambiguous for a human reader.
CLEAR_CASES = [
    ("the militias", "The foreign minister condemned the militias as murderous terrorists who must be crushed.", "against"),
    ("the rebel coalition", "The ambassador denounced the rebel coalition, calling its leaders criminals and thugs.", "against"),
    ("the ceasefire agreement", "The president warmly welcomed the ceasefire agreement and praised the mediators for their wisdom.", "favor"),
    ("the new government", "The minister said his country fully supports the new government and admires its courage.", "favor"),
    ("the summit", "The summit will be held in Geneva on Tuesday, a spokesperson said.", "neutral"),
    ("the delegation", "The delegation arrived in Vienna on Monday evening.", "neutral"),
]
# One sentence, two targets, opposite stances.
TWO_TARGETS = (
    "The minister praised Egypt for its tireless mediation but accused Hamas of wrecking the talks.",
    [("Egypt", "favor"), ("Hamas", "against")],
)


@pytest.fixture(scope="module")
def torch_clf() -> StanceClassifier:
    return StanceClassifier.from_pretrained(backend="torch")


@pytest.fixture(scope="module")
def onnx_clf(tmp_path_factory) -> StanceClassifier:
    pytest.importorskip("onnxruntime")
    return StanceClassifier.from_pretrained(backend="onnx")


def _all_cases():
    text, pairs = TWO_TARGETS
    return CLEAR_CASES + [(target, text, label) for target, label in pairs]


@pytest.mark.parametrize("target,text,expected", _all_cases())
def test_shipped_model_on_clear_statements(torch_clf, target, text, expected):
    (pred,) = torch_clf.predict([target], [text])
    assert isinstance(pred, StancePrediction)
    assert pred.label == expected, pred
    if expected == "against":
        assert pred.score < 0
    elif expected == "favor":
        assert pred.score > 0
    assert pred.confidence == max(pred.probs)
    assert sum(pred.probs) == pytest.approx(1.0, abs=1e-5)
    assert pred.score == pytest.approx(pred.probs[2] - pred.probs[0], abs=1e-6)


def test_onnx_and_torch_agree(torch_clf, onnx_clf):
    cases = _all_cases()
    targets, texts = [c[0] for c in cases], [c[1] for c in cases]
    a, b = torch_clf.predict(targets, texts), onnx_clf.predict(targets, texts)
    assert [p.label for p in a] == [p.label for p in b]
    np.testing.assert_allclose([p.score for p in a], [p.score for p in b], atol=0.15)
    assert onnx_clf.backend == "onnx" and onnx_clf.version == torch_clf.version


def test_int8_graph_runs_layer_norms_unfused_and_matmuls_int8(onnx_clf, tmp_path):
    """ONNX Runtime's fused SkipLayerNormalization CPU kernel was 4x slower than Add + LayerNormalization
    (19% of int8 run time): neither the export nor the session may bring it back. Every MatMul but the two
    FFN down-projections kept in fp32 (and the tiny head) must be int8."""
    onnx = pytest.importorskip("onnx")
    from stance.classifier import FP32_NODE_PATTERNS, int8_graph_path, onnx_session

    onnx_session(int8_graph_path(onnx_clf.path), optimized_copy=tmp_path / "as_run.onnx")
    run_graph = onnx.load(str(tmp_path / "as_run.onnx")).graph
    ops = [node.op_type for node in run_graph.node]
    assert "SkipLayerNormalization" not in ops
    assert ops.count("LayerNormalization") == 12  # two per layer, six layers
    assert ops.count("QAttention") == 6
    fp32_encoder_matmuls = [n.name for n in run_graph.node if n.op_type == "MatMul" and "/encoder/" in n.name]
    assert len(fp32_encoder_matmuls) == len(FP32_NODE_PATTERNS)
    assert all(any(p in name for p in FP32_NODE_PATTERNS) for name in fp32_encoder_matmuls)


@pytest.mark.parametrize("batch_size", [1, 2, 64])
def test_sorted_batching_keeps_input_order(torch_clf, batch_size):
    cases = _all_cases()
    targets, texts = [c[0] for c in cases], [c[1] for c in cases]
    one_by_one = np.array([torch_clf.logits([t], [x])[0] for t, x in zip(targets, texts)])
    batched = torch_clf.logits(targets, texts, batch_size=batch_size)
    np.testing.assert_allclose(batched, one_by_one, atol=1e-4)


@pytest.mark.parametrize(
    "targets,texts,error",
    [(["a"], ["x", "y"], ValueError), ([None], ["x"], TypeError), (["a"], [3], TypeError)],
)
def test_predict_rejects_bad_input(torch_clf, targets, texts, error):
    with pytest.raises(error):
        torch_clf.predict(targets, texts)


def test_predict_empty(torch_clf):
    assert torch_clf.predict([], []) == []


def test_default_model_dir_env(monkeypatch, tmp_path):
    monkeypatch.setenv("STANCE_MODEL", str(tmp_path))
    assert default_model_dir() == tmp_path
    monkeypatch.delenv("STANCE_MODEL")
    assert default_model_dir().parts[-2:] == ("models", "stance-minilm")


@pytest.mark.parametrize("drop", [None, "model.safetensors", "config.json", "vocab.txt"])
def test_missing_or_incomplete_model_dir(tmp_path, drop):
    if drop is None:
        path = tmp_path / "nowhere"
        match = "does not exist"
    else:
        path = tmp_path / "model"
        path.mkdir()
        for name in REQUIRED_FILES:
            if name != drop:
                (path / name).write_text("{}")
        match = f"incomplete: missing {drop}"
    with pytest.raises(ModelNotFoundError, match=match):
        StanceClassifier.from_pretrained(path, backend="torch")


def test_bad_backend():
    with pytest.raises(ValueError, match="backend"):
        StanceClassifier.from_pretrained(backend="tensorrt")


@pytest.mark.parametrize("backend, device, match", [
    ("torch", "gpu0", "must be a torch device"),
    ("onnx", "cuda", "CPU only"),
])
def test_bad_device_is_refused_before_loading(backend, device, match):
    with pytest.raises(ValueError, match=match):
        StanceClassifier.from_pretrained(backend=backend, device=device)


def test_cuda_without_a_gpu_says_how_to_fix():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(ValueError, match="sees no CUDA GPU; use device='cpu'"):
        StanceClassifier.from_pretrained(backend="auto", device="cuda")


def test_explicit_cpu_device_gives_the_same_logits(torch_clf):
    on_cpu = StanceClassifier.from_pretrained(backend="auto", device="cpu:0")
    assert on_cpu.backend == "onnx"  # a CPU device leaves auto's choice alone
    moved = StanceClassifier.from_pretrained(backend="torch", device="cpu:0")
    args = (["Russia"], ["Russia condemned the strikes."])
    np.testing.assert_array_equal(moved.logits(*args), torch_clf.logits(*args))


def test_version_is_a_content_hash(torch_clf, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(torch_clf.path, copy)
    from stance.classifier import model_version

    assert model_version(copy) == torch_clf.version
    cfg = copy / "config.json"
    cfg.write_text(cfg.read_text() + "\n")
    assert model_version(copy) != torch_clf.version


def test_shipped_model_is_small_and_pickle_free():
    folder = default_model_dir()
    files = [p for p in Path(folder).rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 30 * 1024 * 1024
    assert not [p for p in files if p.suffix in (".bin", ".pt", ".pth", ".pkl", ".ckpt")]
    assert tuple(__import__("json").loads((folder / "config.json").read_text())["labels"]) == LABELS


@pytest.mark.parametrize(
    "probs,labels,expected",
    [
        ([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], [0, 2], 0.0),  # confident and right
        ([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], [1, 1], 1.0),  # confident and wrong
        ([[0.6, 0.2, 0.2], [0.6, 0.2, 0.2]], [0, 1], 0.1),  # 60% confident, 50% right
    ],
)
def test_expected_calibration_error(probs, labels, expected):
    from stance.evaluation.stance_eval import expected_calibration_error

    assert expected_calibration_error(np.array(probs), np.array(labels)) == pytest.approx(expected)


def test_classification_scores_macro_is_mean_of_classes():
    from stance.evaluation.stance_eval import classification_scores

    scores = classification_scores([0, 0, 1, 2, 2, 1], [0, 1, 1, 2, 0, 1])
    assert scores["macro_f1"] == pytest.approx(
        np.mean([scores["f1_against"], scores["f1_neutral"], scores["f1_favor"]]), abs=1e-3)
    assert scores["accuracy"] == pytest.approx(4 / 6, abs=1e-3)


@pytest.mark.slow
def test_evaluate_stance_beats_baselines(torch_clf):
    from stance.evaluation.stance_eval import default_datasets, evaluate_stance

    datasets = {k: v for k, v in default_datasets().items() if k in ("newsmtsc_dev_rw", "diplomatic_dev")}
    if not all(Path(p).is_file() for p, _ in datasets.values()):
        pytest.skip("shared NewsMTSC data or data/diplomatic/dev.jsonl not available")
    table = evaluate_stance(torch_clf, datasets=datasets).set_index(["dataset", "system"])
    for name in datasets:
        ours = table.loc[(name, "classifier"), "macro_f1"]
        assert ours > table.loc[(name, "tfidf_logreg"), "macro_f1"]
        assert ours > table.loc[(name, "majority"), "macro_f1"]
    assert table.loc[("newsmtsc_dev_rw", "classifier"), "macro_f1"] >= 0.75


def test_evaluate_stance_skips_missing_datasets(torch_clf, tmp_path, caplog):
    from stance.evaluation.stance_eval import evaluate_stance, load_diplomatic

    dev = tmp_path / "dev.jsonl"
    dev.write_text("\n".join(__import__("json").dumps({"text": x, "target": t, "label": lab})
                             for t, x, lab in CLEAR_CASES) + "\n")
    train = tmp_path / "train.jsonl"
    train.write_text(dev.read_text() * 3)
    table = evaluate_stance(torch_clf, datasets={"mine": (dev, load_diplomatic), "gone": (tmp_path / "no.jsonl", load_diplomatic)},
                            training_files=[(train, load_diplomatic)])
    assert set(table["dataset"]) == {"mine"}
    assert set(table["system"]) == {"classifier", "tfidf_logreg", "majority"}
    assert "gone skipped" in caplog.text
    assert table.set_index("system").loc["classifier", "accuracy"] == 1.0


def test_eval_tables_print_as_aligned_text_or_markdown():
    import pandas as pd

    from stance.evaluation.stance_eval import format_table

    table = pd.DataFrame([{"dataset": "dip", "system": "classifier", "macro_f1": 0.9},
                          {"dataset": "dip", "system": "majority", "macro_f1": 0.25}])
    assert format_table(table, markdown=True).splitlines() == [
        "| dataset | system | macro_f1 |", "|---|---|---|",
        "| dip | classifier | 0.9 |", "| dip | majority | 0.25 |"]
    assert format_table(table).splitlines()[0].split() == ["dataset", "system", "macro_f1"]


@pytest.mark.parametrize("text,target,span,expected", [
    ("Iran praised the new authorities.", "Iran", None, "<< Iran >> praised the new authorities."),
    ("The rebels met Iran; iran agreed.", "IRAN", None, "The rebels met << Iran >>; iran agreed."),
    ("Russia and Iran met.", "Iran", (11, 15), "Russia and << Iran >> met."),
    ("Nothing about it here.", "Turkey", None, "Nothing about it here."),
    ("Blank target.", " ", None, "Blank target."),
])
def test_mark_target(text, target, span, expected):
    from stance.classifier import mark_target

    assert mark_target(text, target, span=span) == expected


# Filler long enough (>128 tokens) to push a statement past the model's max_length when put before it.
FILLER = " ".join(f"Delegates from region {n} met on day {n} to review the agenda." for n in range(12))


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    from stance.classifier import backbone_path

    return AutoTokenizer.from_pretrained(str(backbone_path()))


def _fits(tokenizer, target, text, max_length):
    from stance.classifier import encode_pairs

    full = encode_pairs(tokenizer, [target], [text], max_length=4096, return_tensors=None, padding=False)
    return len(full["input_ids"][0]) <= max_length


@pytest.mark.parametrize("text,changed", [
    ("<< Iran >> praised the new authorities.", False),               # short
    (FILLER + " Iran praised the new authorities.", False),           # long, no marker
    ("<< Iran >> praised the new authorities. " + FILLER, False),     # long, marker kept by the end-cut
    (FILLER + " << Iran >> praised the new authorities.", True),      # marker at the end
    (FILLER + " << Iran >> praised the authorities. " + FILLER, True),  # marker in the middle
])
def test_window_on_marker(tokenizer, text, changed):
    from stance.classifier import window_on_marker

    (out,) = window_on_marker(tokenizer, ["Iran"], [text], max_length=128)
    assert (out != text) == changed
    if changed:
        assert "<< Iran >> praised" in out and out in text
        assert _fits(tokenizer, "Iran", out, 128)
        assert len(out) > len("<< Iran >> praised the authorities.") + 200  # a window, not just the mention


def test_window_centres_the_mention(tokenizer):
    from stance.classifier import window_on_marker

    text = FILLER + " << Iran >> praised the authorities. " + FILLER
    (out,) = window_on_marker(tokenizer, ["Iran"], [text], max_length=128)
    mark = out.index("<<")
    assert 0.3 < mark / len(out) < 0.7


def test_late_target_in_a_long_text_keeps_its_stance(torch_clf):
    # Cut from the end, these texts lose the marked mention: the model would read only the filler.
    cases = [c for c in _all_cases() if c[2] != "neutral"]
    preds = torch_clf.predict([c[0] for c in cases], [FILLER + " " + c[1] for c in cases])
    assert [p.label for p in preds] == [c[2] for c in cases]


def test_with_late_mentions_moves_spans_with_the_text():
    from stance.evaluation.stance_eval import StanceDataset, with_late_mentions

    texts = ["Iran praised the new authorities.", "Russia called the takeover inadmissible.", "The talks ended."]
    ds = StanceDataset("toy", ["Iran", "the takeover", "talks"], texts, np.array([2, 0, 1]),
                       spans=[(0, 4), (14, 26), (4, 9)])
    late = with_late_mentions(ds, min_prefix_words=40, seed=3)
    assert late.name == "toy_late" and list(late.labels) == [2, 0, 1]
    for text, target, original, (a, b) in zip(late.texts, late.targets, texts, late.spans):
        assert text.endswith(" " + original)
        assert text[a:b] == target
        assert len(text[: -len(original)].split()) >= 40
    with pytest.raises(ValueError, match="gold target spans"):
        with_late_mentions(StanceDataset("plain", ["x"], ["x"], np.array([1])))


def test_late_mention_sets_are_added_only_for_newsmtsc_and_only_when_asked():
    from stance.evaluation.stance_eval import default_datasets

    plain, late = default_datasets(), default_datasets(late_mentions=True)
    assert set(late) - set(plain) == {"newsmtsc_dev_rw_late", "newsmtsc_dev_mt_late"}
    assert late["newsmtsc_dev_mt_late"][0] == plain["newsmtsc_dev_mt"][0]


@pytest.mark.parametrize("target,speaker,expected", [
    ("the rebels", "Iran", "speaker: Iran | target: the rebels"),
    ("Turkey", " Egypt ", "speaker: Egypt | target: Turkey"),
    ("Turkey", "", "Turkey"),  # unknown speaker: the target alone, as for news sentences in training
    ("Turkey", None, "Turkey"),
])
def test_speaker_segment(target, speaker, expected):
    from stance.classifier import speaker_segment

    assert speaker_segment(target, speaker) == expected


@pytest.fixture(scope="module")
def plain_clf(tmp_path_factory) -> StanceClassifier:
    """The shipped weights under a config that says the model does not read speakers (its output is not
    meaningful, only whether the speaker reaches the model). The shipped model reads them."""
    import shutil

    from stance.classifier import default_model_dir

    folder = tmp_path_factory.mktemp("plain-model") / "m"
    shutil.copytree(default_model_dir(), folder)
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, "speaker_input": False}))
    return StanceClassifier.from_pretrained(folder, backend="torch")


def test_speakers_reach_only_a_speaker_aware_model(torch_clf, plain_clf):
    targets, texts = ["Turkey", "Turkey"], ["Ankara was praised for its help.", "Ankara was praised for its help."]
    speakers = ["Egypt", ""]
    assert torch_clf.speaker_input and not plain_clf.speaker_input
    np.testing.assert_array_equal(plain_clf.logits(targets, texts, speakers=speakers), plain_clf.logits(targets, texts))
    with_speakers = torch_clf.logits(targets, texts, speakers=speakers)
    assert not np.allclose(with_speakers[0], with_speakers[1], atol=1e-4)  # only the first names a speaker
    np.testing.assert_allclose(with_speakers[1], torch_clf.logits(targets[:1], texts[:1])[0], atol=1e-5)
    with pytest.raises(ValueError, match="speakers and targets differ"):
        torch_clf.logits(targets, texts, speakers=["Egypt"])


def test_the_pipeline_passes_actors_to_a_speaker_aware_model_only():
    import datetime as dt

    from stance.classifier import StancePrediction
    from stance.pipeline import score_statements
    from stance.records import Statement, TargetLink

    class Recorder:
        def __init__(self, speaker_input):
            self.speaker_input, self.kwargs = speaker_input, None

        def predict(self, targets, texts, **kwargs):
            self.kwargs = kwargs
            return [StancePrediction(label="neutral", score=0.0, confidence=0.5, probs=(0.25, 0.5, 0.25))] * len(texts)

    statements = [Statement("a", dt.date(2031, 1, 1), "s", speaker, actor, "said", "Talks with Sylvania went on.",
                            "direct", 0, 10, targets=(TargetLink("Sylvania", "Sylvania"),))
                  for speaker, actor in (("the minister", "Freedonia"), ("an analyst", ""))]
    aware, plain = Recorder(True), Recorder(False)
    score_statements(statements, aware)
    score_statements(statements, plain)
    assert aware.kwargs["speakers"] == ["Freedonia", ""]
    assert "speakers" not in plain.kwargs


def test_int8_score_of_a_text_does_not_depend_on_what_is_scored_with_it(onnx_clf):
    """Dynamic int8 quantization scales a call's activations together: batched, a row's score moved with its
    neighbours. Scores must be the same alone, in a crowd and in another order."""
    cases = _all_cases()
    targets, texts = [c[0] for c in cases], [c[1] for c in cases]
    crowd = onnx_clf.predict_proba(targets, texts)
    alone = np.vstack([onnx_clf.predict_proba([t], [x]) for t, x in zip(targets, texts)])
    reversed_order = onnx_clf.predict_proba(targets[::-1], texts[::-1])[::-1]
    assert np.abs(crowd - alone).max() < 1e-6
    assert np.abs(crowd - reversed_order).max() < 1e-6


@pytest.mark.parametrize("env, threads, expected", [
    (None, 1, 1),   # the pipeline's one thread beside the parse
    (None, 3, 3),
    ("2", 1, 2),    # $STANCE_NUM_THREADS, the user's word, wins
])
def test_onnx_session_threads(onnx_clf, monkeypatch, env, threads, expected):
    from stance.classifier import int8_graph_path, onnx_session

    if env is None:
        monkeypatch.delenv("STANCE_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("STANCE_NUM_THREADS", env)
    session = onnx_session(int8_graph_path(onnx_clf.path), threads=threads)
    assert session.get_session_options().intra_op_num_threads == expected


def _model_with(tmp_path, **changes) -> Path:
    copy = tmp_path / "model"
    shutil.copytree(default_model_dir(), copy)
    cfg = json.loads((copy / "config.json").read_text())
    cfg.update(changes)
    (copy / "config.json").write_text(json.dumps(cfg))
    return copy


def test_the_neutral_offset_lowers_the_neutral_logit_and_nothing_else(torch_clf, tmp_path):
    targets = ["Egypt", "the delegation"]
    texts = ["The minister said talks with Egypt would resume next month.", "The delegation arrived in Vienna on Monday."]
    offset = float(torch_clf.config.get("neutral_offset", 0.0))
    without = StanceClassifier.from_pretrained(_model_with(tmp_path, neutral_offset=0.0), backend="torch")
    scaled = without.logits(targets, texts) / without.temperature
    expected = np.exp(scaled - [0.0, offset, 0.0])
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(torch_clf.predict_proba(targets, texts), expected, rtol=1e-5, atol=1e-6)
    p0, p1 = without.predict_proba(targets, texts), torch_clf.predict_proba(targets, texts)
    assert offset > 0 and (p1[:, 1] < p0[:, 1]).all()  # the shipped model sets one: less neutral mass


@pytest.mark.parametrize("bad", [-0.5, 3.5])
def test_a_neutral_offset_out_of_range_is_refused(tmp_path, bad):
    with pytest.raises(ModelNotFoundError, match="neutral_offset must be in"):
        StanceClassifier.from_pretrained(_model_with(tmp_path, neutral_offset=bad), backend="torch")
