"""The `stance` command: a thin layer over the library (nothing in the library imports it)."""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import sqlite3
import sys
from pathlib import Path

from stance import __version__
from stance.ingest import (
    DEFAULT_MAX_CHARS,
    DEFAULT_MAX_DATE,
    DEFAULT_MIN_DATE,
    OVERSIZE,
    IngestError,
    IngestLimits,
)
from stance.recipe import DISTILLATION, HEADS, SHIPPED_RECIPE
from stance.records import format_score
from stance.watchlist import Watchlist, WatchlistError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD") from None


def _add_date_range_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--min-date", type=_date, default=DEFAULT_MIN_DATE,
                   help=f"earliest plausible article date; earlier ones are bad records (default {DEFAULT_MIN_DATE})")
    p.add_argument("--max-date", type=_date, default=DEFAULT_MAX_DATE,
                   help=f"latest plausible article date; later ones are bad records (default {DEFAULT_MAX_DATE})")


def _add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("articles", nargs="+", help=".jsonl/.csv/.txt files or folders of them")
    p.add_argument("--watchlist", required=True, help="YAML watchlist of entities, aliases and speakers")
    p.add_argument("--date", type=_date, help="date for articles whose text names none (YYYY-MM-DD)")
    p.add_argument("--skip-bad", action="store_true", help="skip bad records (written to rejects.csv) instead of stopping")
    p.add_argument("--model", help="model folder (default: the shipped models/stance-minilm)")
    p.add_argument("--backend", choices=["auto", "onnx", "torch"], default="auto")
    p.add_argument("--device", default="cpu",
                   help="torch device for the classifier, e.g. cuda (an optional GPU; uses the torch backend)")
    p.add_argument("--n-process", type=int, default=1, help="spaCy worker processes")
    p.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS,
                   help=f"longest article text accepted (default {DEFAULT_MAX_CHARS:,}); see --oversize")
    p.add_argument("--oversize", choices=OVERSIZE, default="reject",
                   help="longer articles: reject them as bad records (default) or split them into parts ID~1, ID~2, ...")
    p.add_argument("--actors-only", action="store_true",
                   help="score only statements a watchlist actor said (faster); the others stay in statements.csv "
                        "with empty stance, score and confidence")
    _add_date_range_options(p)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stance", description="Track diplomatic stance shifts in news articles.")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="-v for progress log lines (a terminal also gets a progress bar without it), -vv for debug")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="articles -> statements, shifts, charts and reports; rerun on a grown folder in "
                                   "the same --out to score only new articles and get alerts.csv/alerts.md")
    _add_input_options(p)
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--period", default="auto", choices=["auto", "day", "week", "month", "year"])

    p = sub.add_parser("score", help="articles -> statements.csv (statements and stance scores only)")
    _add_input_options(p)
    p.add_argument("--out", required=True, help="output folder (statements.csv is written there)")
    p.add_argument("--batch", action="store_true",
                   help="streaming, resumable, cached batch mode writing Parquet shards (see scripts/batch_score.py)")
    p.add_argument("--csv", action="store_true", help="with --batch: also write CSV shards")
    p.add_argument("--workers", type=int, default=1, help="with --batch: worker processes")
    p.add_argument("--shard-size", type=int, default=500, help="with --batch: articles per Parquet shard")
    p.add_argument("--restart", action="store_true",
                   help="with --batch: start over in --out instead of resuming (the cache is kept unless damaged)")
    p.add_argument("--article-timeout", type=float,
                   help="with --batch: seconds one article may take before it is rejected as too slow "
                        "(0: no limit; default: BatchConfig's, 120)")

    p = sub.add_parser("report", help="statements.csv -> shifts, charts and reports")
    p.add_argument("statements", help="a statements.csv written by `stance score` or `stance run`")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--period", default="auto", choices=["auto", "day", "week", "month", "year"])
    _add_date_range_options(p)

    recipe = SHIPPED_RECIPE
    p = sub.add_parser("train", help="fine-tune the stance classifier "
                                     "(defaults: the recipe of the shipped model's members, without a teacher)")
    p.add_argument("data", nargs="+", help="CSV/JSONL files with text, target (or from/to span) and label")
    p.add_argument("--out", required=True, help="model output folder (a rerun resumes from its checkpoint)")
    p.add_argument("--epochs", type=int, default=recipe["epochs"])
    p.add_argument("--lr", type=float, default=recipe["lr"])
    p.add_argument("--batch-size", type=int, default=recipe["batch_size"])
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--seed", type=int, default=recipe["seed"])
    p.add_argument("--split-seed", type=int, default=recipe["split_seed"], help="seed of the held-out calibration split")
    p.add_argument("--max-steps", type=int, help="stop after this many steps (smoke runs)")
    p.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    p.add_argument("--mark-target", action=argparse.BooleanOptionalAction, default=recipe["mark_target"],
                   help="wrap the target mention in << >> in the text")
    p.add_argument("--head", choices=HEADS, default=recipe["head"],
                   help="target: classify [CLS] + the output at the target marker (needs --mark-target)")
    p.add_argument("--contrast-repeat", type=int, default=recipe["contrast_repeat"],
                   help="copies of sentences whose targets have different labels")
    p.add_argument("--rdrop-alpha", type=float, default=recipe["rdrop_alpha"],
                   help="R-Drop: weight of the KL between two dropout passes (0 = off; doubles training time)")
    p.add_argument("--adversarial-epsilon", type=float, default=0.0,
                   help="FGM adversarial training: L2 size of the embedding perturbation (0 = off; +50%% time)")
    p.add_argument("--ema-decay", type=float, default=0.0,
                   help="save an exponential moving average of the weights with this decay (0 = off)")
    p.add_argument("--teacher-logits", help="distil from a larger teacher: its logits file (scripts/train_teacher.py)")
    p.add_argument("--distill-weight", type=float, default=DISTILLATION["distill_weight"],
                   help="with --teacher-logits: weight of the teacher's KL term against the labels' cross-entropy")
    p.add_argument("--distill-temperature", type=float, default=DISTILLATION["distill_temperature"])

    p = sub.add_parser("eval", help="evaluate attribution or stance")
    ev = p.add_subparsers(dest="what", required=True)
    a = ev.add_parser("attribution", help="PolNeAR spans and the diplomatic gold set")
    a.add_argument("--polnear", help="PolNeAR split folder (default ../shared/data/polnear/dev)")
    a.add_argument("--gold", default="data/attribution/gold.jsonl")
    a.add_argument("--gold-watchlist", default="data/attribution/watchlist.yaml")
    a.add_argument("--profile", choices=["speech", "broad", "both"], default="both",
                   help="speech: the pipeline's extractor; broad: also attitude/evidential cues, as PolNeAR counts")
    a.add_argument("--limit", type=int, help="evaluate only the first N PolNeAR articles")
    s = ev.add_parser("stance", help="real-news gold statements (gold attribution), NewsMTSC, VAST and "
                                     "diplomatic dev sets, with baselines")
    s.add_argument("--model", help="model folder (default: the shipped model)")
    s.add_argument("--backend", choices=["auto", "onnx", "torch"], default="auto")
    s.add_argument("--markdown", action="store_true", help="print the table in Markdown")
    s.add_argument("--late-mentions", action="store_true",
                   help="add the NewsMTSC dev sets with ~130 words of other dev sentences before each sentence")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)],
                        format="%(levelname)s %(name)s: %(message)s")
    # onnxruntime's quantizer warns on the root logger about a pre-processing step that does not
    # apply to transformer graphs; it would alarm users on every first run.
    for handler in logging.getLogger().handlers:
        handler.addFilter(lambda record: "pre-processing before quantization" not in record.getMessage())
    resumable = args.command == "score" and getattr(args, "batch", False)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        if resumable:
            print("stance: interrupted; rerun the same command to resume", file=sys.stderr)
        else:
            print("stance: interrupted; the files in --out are as they were before this run; rerun the same "
                  "command to start again", file=sys.stderr)
        return 130
    except (IngestError, WatchlistError, FileNotFoundError, ValueError, RuntimeError, OSError,
            sqlite3.DatabaseError) as exc:
        # RuntimeError covers BatchError and a missing spaCy model; OSError a full disk or a
        # folder that went away. All are answered in one line; -vv adds the traceback.
        logging.getLogger(__name__).debug("traceback", exc_info=True)
        print(f"stance: error: {_one_line(exc)}", file=sys.stderr)
        return 2


def _one_line(exc: BaseException, limit: int = 1000) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _limits(args) -> IngestLimits:
    return IngestLimits(max_chars=getattr(args, "max_chars", DEFAULT_MAX_CHARS), min_date=args.min_date,
                        max_date=args.max_date, oversize=getattr(args, "oversize", "reject"))


def _cmd_run(args) -> int:
    from stance import monitor
    from stance.outputs import prepare_out_dir

    watchlist = Watchlist.from_yaml(args.watchlist)
    prepare_out_dir(args.out, args.articles)  # before the model loads
    with _progress() as progress:
        result = monitor.run(args.articles, watchlist, args.out, **_score_options(args), period=args.period,
                             progress=progress)
    if result.statements.attrs.get("cached"):
        print(f"Articles: {result.statements.attrs['scored']} new ones parsed and scored, "
              f"{result.statements.attrs['cached']} from the cache")
    _print_summary(result.statements, result.shifts)
    _print_alerts(result.alerts)
    print(f"Wrote {Path(args.out) / 'index.html'}")
    return 0


def _print_alerts(alerts) -> None:
    if alerts is None:
        return
    if alerts.attrs.get("first_run"):
        print("Alerts: first run in this folder, every shift is new (alerts.md); rerun here as articles arrive")
        return
    print(f"Alerts since the previous run: {len(alerts)}" + (" (see alerts.md)" if len(alerts) else ""))
    for row in alerts.itertuples(index=False):
        print(f"  {row.alert}: {row.actor} -> {row.target}: {row.direction} on {row.date} ({row.status})")


class _progress:
    """A console progress reporter for the length of a ``with`` block (closed on errors too)."""

    def __enter__(self):
        from stance.progress import ConsoleProgress

        self.reporter = ConsoleProgress()
        return self.reporter

    def __exit__(self, *exc) -> None:
        self.reporter.close()


def _score_options(args) -> dict:
    return {"model": args.model, "backend": args.backend, "device": args.device, "default_date": args.date,
            "skip_bad": args.skip_bad, "n_process": args.n_process, "limits": _limits(args),
            "actors_only": args.actors_only}


def _cmd_score(args) -> int:
    from stance import pipeline
    from stance.outputs import prepare_out_dir

    watchlist = Watchlist.from_yaml(args.watchlist)  # its errors in one line here, not in a worker
    prepare_out_dir(args.out, args.articles)
    if args.batch:
        from stance.batch import BatchConfig, run_batch

        with _progress() as progress:
            summary = run_batch(BatchConfig(inputs=tuple(args.articles), out_dir=Path(args.out),
                                            watchlist=Path(args.watchlist), model=args.model, default_date=args.date,
                                            backend=args.backend, device=args.device, n_process=args.n_process,
                                            write_csv=args.csv, workers=args.workers, shard_size=args.shard_size,
                                            restart=args.restart, limits=_limits(args),
                                            actors_only=args.actors_only,
                                            **({} if args.article_timeout is None
                                               else {"article_timeout_s": args.article_timeout})),
                                progress=progress)
        print(summary.describe())
        return 0
    out = Path(args.out)
    with _progress() as progress:
        statements = pipeline.score_to_folder(args.articles, watchlist, out, **_score_options(args),
                                              progress=progress)
    _print_summary(statements, None)
    print(f"Wrote {out / 'statements.csv'}")
    return 0


def _cmd_report(args) -> int:
    from stance import pipeline
    from stance.outputs import prepare_out_dir

    statements = pipeline.read_statements_csv(args.statements, limits=_limits(args))
    prepare_out_dir(args.out)
    result = pipeline.report(statements, args.out, period=args.period)
    _print_summary(statements, result.shifts)
    print(f"Wrote {Path(args.out) / 'index.html'}")
    return 0


def _print_summary(statements, shifts) -> None:
    attributed = statements[statements["actor"] != ""]
    # Articles read (with or without statements) when scoring; articles with rows when reporting.
    n_articles = statements.attrs.get("articles", statements["article_id"].nunique())
    print(f"Statements: {len(statements)} statement-target rows from {n_articles} "
          f"article{'' if n_articles == 1 else 's'}; {len(attributed)} attributed to watchlist actors")
    if shifts is None:
        return
    print(f"Shifts: {len(shifts)}")
    for row in shifts.itertuples(index=False):
        emerging = getattr(row, "status", "") == "emerging"
        print(f"  {row.actor} -> {row.target}: {row.direction} on {row.date} ({format_score(row.before)} -> {format_score(row.after)})"
              + (" [emerging]" if emerging else ""))
        if emerging and row.note:
            print(f"      {row.note.removeprefix('emerging: ')}")


def _cmd_train(args) -> int:
    import dataclasses

    from stance.training import DataSpec, TrainConfig, distillation_options, train

    data = tuple(dataclasses.replace(DataSpec.auto(path), contrast_repeat=args.contrast_repeat) for path in args.data)
    out = train(TrainConfig(data=data, output_dir=Path(args.out), epochs=args.epochs, lr=args.lr,
                            batch_size=args.batch_size, max_length=args.max_length, seed=args.seed,
                            split_seed=args.split_seed, max_steps=args.max_steps, num_threads=args.threads,
                            mark_target=args.mark_target, head=args.head, rdrop_alpha=args.rdrop_alpha,
                            adversarial_epsilon=args.adversarial_epsilon, ema_decay=args.ema_decay,
                            **distillation_options(args.teacher_logits, weight=args.distill_weight,
                                                   temperature=args.distill_temperature)))
    print(f"Model written to {out}")
    return 0


def _cmd_eval(args) -> int:
    if args.what == "attribution":
        from stance.evaluation import attribution

        polnear = Path(args.polnear) if args.polnear else attribution.default_polnear_dir()
        if polnear and polnear.exists():
            for profile in (["speech", "broad"] if args.profile == "both" else [args.profile]):
                table = attribution.evaluate_polnear(polnear, profile=profile, limit=args.limit)
                print(f"PolNeAR {polnear} (profile {profile}, {table.attrs['articles']} articles):")
                print(attribution.format_polnear_table(table))
        else:
            print("PolNeAR not found; pass --polnear DIR (skipped)")
        metrics = attribution.evaluate_gold(Path(args.gold), Path(args.gold_watchlist))
        print(f"Gold set ({args.gold}):")
        for key, value in metrics.items():
            if isinstance(value, (int, float)):
                print(f"  {key}: {value:.3f}" if isinstance(value, float) else f"  {key}: {value}")
        return 0
    from stance.evaluation.stance_eval import stance_eval_report

    print(stance_eval_report(args.model, backend=args.backend, late_mentions=args.late_mentions,
                             markdown=args.markdown))
    return 0


COMMANDS = {"run": _cmd_run, "score": _cmd_score, "report": _cmd_report, "train": _cmd_train, "eval": _cmd_eval}

if __name__ == "__main__":
    raise SystemExit(main())
