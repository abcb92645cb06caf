"""The CLI prints exactly what an analyst reads, on data with a known answer."""
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from shipped_model import base_record

from stance.cli import main
from stance.pipeline import STATEMENT_COLUMNS


def statements_csv(path, rows):
    records = []
    for i, (day, actor, target, score) in enumerate(rows):
        records.append({
            "article_id": f"a{i}", "date": day, "source": f"Outlet {i % 3}", "speaker": f"Speaker {actor}",
            "actor": actor, "target": target, "kind": "direct", "cue": "said", "text": f"Quote number {i}.",
            "start": 0, "end": 16, "stance": "favor" if score > 0.3 else "against" if score < -0.3 else "neutral",
            "score": score, "confidence": 0.9,
        })
    pd.DataFrame(records, columns=STATEMENT_COLUMNS).to_csv(path, index=False)
    return path


def days(start, n, step=2):
    return [(dt.date.fromisoformat(start) + dt.timedelta(days=step * i)).isoformat() for i in range(n)]


def test_report_prints_the_known_shift_exactly(tmp_path, capsys):
    rows = ([(d, "Iran", "Syrian opposition", -0.8) for d in days("2024-11-24", 4)]
            + [(d, "Iran", "Syrian opposition", 0.8) for d in days("2024-12-08", 4)]
            + [(d, "Turkey", "Syrian opposition", 0.6) for d in days("2024-11-24", 6, step=4)]
            + [(d, "", "Syrian opposition", -0.5) for d in days("2024-12-01", 2)])
    path = statements_csv(tmp_path / "statements.csv", rows)
    out = tmp_path / "out"
    assert main(["report", str(path), "--out", str(out)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Statements: 16 statement-target rows from 16 articles; 14 attributed to watchlist actors",
        "Shifts: 1",
        "  Iran -> Syrian opposition: up on 2024-12-08 (-0.80 -> +0.80)",
        f"Wrote {out / 'index.html'}",
    ]
    shifts = pd.read_csv(out / "shifts.csv")
    assert list(shifts.columns[:9]) == ["actor", "target", "date", "direction", "before", "after", "delta",
                                        "before_quote", "after_quote"]
    assert (out / "reports" / "iran.html").exists() and (out / "reports" / "iran.md").exists()


ROOT = Path(__file__).resolve().parents[1]
WATCHLIST = str(ROOT / "data" / "examples" / "watchlist.yaml")


@pytest.mark.parametrize("argv, message", [
    (["report", "{tmp}/missing.csv", "--out", "{tmp}/o"], "no such statements file"),
    (["run", "{tmp}/nowhere", "--watchlist", WATCHLIST, "--out", "{tmp}/o"], "no such file or folder"),
    (["run", str(ROOT / "data" / "examples" / "articles"), "--watchlist", "{tmp}/nope.yaml", "--out", "{tmp}/o"],
     "watchlist file not found"),
    (["run", str(ROOT / "data" / "examples" / "articles"), "--watchlist", WATCHLIST, "--out", "{tmp}/o",
      "--backend", "onnx", "--device", "cuda"], "the ONNX int8 backend runs on the CPU only"),
    (["score", str(ROOT / "data" / "examples" / "articles"), "--watchlist", WATCHLIST, "--out", "{tmp}/o",
      "--batch", "--device", "gpu0"], "device must be a torch device"),
])
def test_errors_are_one_clear_line_and_exit_2(argv, message, capsys, tmp_path):
    assert main([a.format(tmp=tmp_path) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("stance: error: ") and message in err and len(err.splitlines()) == 1


def test_report_rejects_a_csv_without_the_statement_columns(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n")
    assert main(["report", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "missing columns article_id" in capsys.readouterr().err


def _tiny_training_file(tmp_path):
    path = tmp_path / "train.jsonl"
    rows = [("Rome backed Paris but scolded Bonn.", "Paris", "favor"), ("Rome backed Paris but scolded Bonn.", "Bonn", "against"),
            ("Oslo met Rome.", "Rome", "neutral"), ("Oslo praised Rome.", "Rome", "favor"),
            ("Oslo condemned Rome.", "Rome", "against"), ("Oslo visited Rome.", "Rome", "neutral")]
    path.write_text("".join(json.dumps({"text": x, "target": t, "label": y}) + "\n" for x, t, y in rows))
    return path


def test_train_refuses_the_target_head_without_marked_text(tmp_path, capsys):
    argv = ["train", str(_tiny_training_file(tmp_path)), "--out", str(tmp_path / "m"), "--no-mark-target"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("stance: error: ") and "set mark_target=True" in err and len(err.splitlines()) == 1


def test_train_passes_the_shipped_recipe_options(tmp_path, capsys):
    out = tmp_path / "m"
    argv = ["train", str(_tiny_training_file(tmp_path)), "--out", str(out), "--epochs", "1", "--batch-size", "4",
            "--max-length", "32", "--mark-target", "--head", "target", "--contrast-repeat", "2", "--rdrop-alpha", "0.5"]
    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"Model written to {out}"
    meta = json.loads((out / "config.json").read_text())
    assert (meta["head"], meta["mark_target"]) == ("target", True)
    assert next(iter(meta["data_counts"].values()))["contrast_repeat"] == 2
    assert meta["config"]["rdrop_alpha"] == 0.5


RECIPE_KEYS = ("epochs", "lr", "batch_size", "max_length", "seed", "split_seed", "mark_target", "head", "rdrop_alpha",
               "unmarked_fraction", "layer_lr_decay", "freeze_embeddings", "warmup_fraction", "weight_decay")


def test_train_defaults_are_the_shipped_models_recipe(tmp_path, capsys):
    # A bare `stance train` on one's own data must train as the shipped model was trained (its config.json says how).
    out = tmp_path / "m"
    assert main(["train", str(_tiny_training_file(tmp_path)), "--out", str(out), "--max-steps", "1"]) == 0
    trained = json.loads((out / "config.json").read_text())["config"]
    shipped = base_record()["config"]  # a continued fine-tuning: the recipe of the run it started from
    assert {k: trained[k] for k in RECIPE_KEYS} == {k: shipped[k] for k in RECIPE_KEYS}
    # labelled files only: a teacher's transfer rows (holdout false) are never repeated
    labelled = [d for d in shipped["data"] if d["holdout"]]
    assert {d["contrast_repeat"] for d in trained["data"]} == {d["contrast_repeat"] for d in labelled} == {3}
    assert trained["max_steps"] == 1 and "Model written to" in capsys.readouterr().out


@pytest.mark.parametrize("with_teacher", [False, True], ids=["no-teacher", "teacher"])
def test_train_distils_only_when_given_a_teacher_file(tmp_path, with_teacher):
    from stance.classifier import mark_target
    from stance.recipe import DISTILLATION

    data = _tiny_training_file(tmp_path)
    teacher = tmp_path / "teacher.jsonl"
    rows = [json.loads(line) for line in data.read_text().splitlines()]
    teacher.write_text("".join(json.dumps({"target": r["target"], "text": mark_target(r["text"], r["target"]),
                                           "logits": [0.0, 1.0, 0.0]}) + "\n" for r in rows))
    argv = ["train", str(data), "--out", str(tmp_path / "m"), "--max-steps", "1"]
    assert main(argv + (["--teacher-logits", str(teacher)] if with_teacher else [])) == 0
    trained = json.loads((tmp_path / "m" / "config.json").read_text())["config"]
    assert trained["teacher_logits"] == (str(teacher) if with_teacher else None)
    assert trained["distill_weight"] == (DISTILLATION["distill_weight"] if with_teacher else 0.0)


def test_eval_attribution_prints_each_measure(tmp_path, capsys):
    # Two attributions in the text, one of them annotated: every measure's precision halves.
    text = 'The minister said the talks had failed. "We will go on," Lavrov said.'
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "doc-a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "attributions" / "doc-a_1234.ann").write_text(
        "T1\tSource 0 12\tThe minister\nT2\tCue 13 17\tsaid\nT3\tContent 18 38\tthe talks had failed\n"
        "T4\tAttribution 13 17\tsaid\nE1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({
        "id": "g1", "split": "dev", "date": "2024-12-05", "text": "Lavrov said Moscow would keep its bases.",
        "statements": [{"speaker": "Lavrov", "actor": "Russia", "targets": [], "kind": "indirect",
                        "content": "Moscow would keep its bases"}]}) + "\n", encoding="utf-8")
    watchlist = Path(__file__).resolve().parents[1] / "data" / "attribution" / "watchlist.yaml"
    assert main(["eval", "attribution", "--polnear", str(tmp_path), "--profile", "broad",
                 "--gold", str(gold), "--gold-watchlist", str(watchlist)]) == 0
    # Tokens: predicted sources "The minister" + "Lavrov" (3) against 2 gold; contents 4 + 4 against 4.
    assert capsys.readouterr().out.splitlines() == [
        f"PolNeAR {tmp_path} (profile broad, 1 articles):",
        "         exact              overlap (spans)    overlap (tokens)   overlap (Citron)",
        "span     P     R     F1     P     R     F1     P     R     F1     P     R     F1",
        "source   0.500 1.000 0.667  0.500 1.000 0.667  0.667 1.000 0.800  0.667 1.000 0.800",
        "cue      0.500 1.000 0.667  0.500 1.000 0.667  0.500 1.000 0.667  0.500 1.000 0.667",
        "content  0.500 1.000 0.667  0.500 1.000 0.667  0.500 1.000 0.667  0.500 1.000 0.667",
        f"Gold set ({gold}):",
        "  items: 1",
        "  gold_statements: 1",
        "  statement_recall: 1.000",
        "  kind_accuracy: 1.000",
        "  actor_precision: 1.000",
        "  actor_recall: 1.000",
        "  target_accuracy: 1.000",
        "  dev_actor_precision: 1.000",
        "  dev_actor_recall: 1.000",
        "  dev_target_accuracy: 1.000",
    ]


def test_the_cli_starts_without_numpy_or_torch():
    # `stance --help` and argument errors should not pay for the model stack; commands import it when they run.
    code = "import sys, stance.cli; print(sorted({'numpy', 'torch', 'pandas'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
