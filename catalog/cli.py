"""``python -m catalog``: ingest, index, recommend and evaluate from the command line.

Errors are one line on stderr with a non-zero exit code; progress bars go to stderr so stdout
stays machine-readable with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm

from catalog.app import CatalogApp, open_app
from catalog.courses.ingest import ingest_path
from catalog.courses.schema import COUNTRIES, DELIVERY, LANGUAGES, SCHEDULES
from catalog.errors import CatalogError, InputError
from catalog.evaluation.conditions import format_conditions, load_conditions, score_conditions
from catalog.evaluation.evaluate import VARIANTS, evaluate, format_table, load_dataset, to_json
from catalog.jsonl import read_jsonl
from catalog.language.places import gazetteer
from catalog.progress import progress_bar
from catalog.retrieval.constraints import Filters, parse_goal
from catalog.retrieval.index import SyncStats, VectorIndex, model_slug, open_index, write_bundled_vectors
from catalog.retrieval.recommender import MAX_TOP, Recommendation, Recommender
from catalog.settings import FUSION_METHODS, CatalogSettings
from catalog.storage.models import Course, EmbeddingCache

MAX_BATCH_LINES = 100_000


def _open(settings: CatalogSettings, quiet: bool = False) -> CatalogApp:
    app, reports = open_app(settings)
    if reports and not quiet:
        created = sum(len(r.created) for r in reports)
        print(f"loaded the sample catalog ({created} courses from {len(reports)} files; "
              "ADVISOR_LOAD_SAMPLE is on)", file=sys.stderr)
    return app


def _recommender(app: CatalogApp) -> Recommender:
    with progress_bar("embedding courses") as bar:
        return app.recommender(bar)


def cmd_ingest(args: argparse.Namespace, settings: CatalogSettings) -> int:
    app = _open(settings, quiet=True)
    status = 0
    for path in args.files:
        with app.write_sessions.begin() as session:  # one transaction per file: all or nothing
            report = ingest_path(session, settings, Path(path), args.provider, args.provider_name)
        if args.json:
            print(json.dumps({"file": report.filename, "ok": report.ok, "provider": report.provider,
                              "created": report.created, "updated": report.updated, "retired": report.retired,
                              "unchanged": report.unchanged, "version": report.version,
                              "problems": [{"row": p.row, "column": p.column, "message": p.message}
                                           for p in report.problems],
                              "warnings": [{"row": p.row, "column": p.column, "message": p.message}
                                           for p in report.warnings]}, ensure_ascii=False))
        else:
            print(report.summary(), file=sys.stderr if not report.ok else sys.stdout)
            for problem in report.problems:
                print(f"  {problem}", file=sys.stderr)
            for warning in report.warnings:
                print(f"  warning: {warning}", file=sys.stderr)
        if not report.ok:
            status = InputError.exit_code
    if status == 0 and not args.no_index:
        print(_sync_index(app)[1].summary(), file=sys.stderr)
    return status


def _sync_index(app: CatalogApp, rebuild: bool = False) -> tuple[VectorIndex, SyncStats]:
    embedder = app.embedder()
    if rebuild:
        shutil.rmtree(app.settings.index_dir / model_slug(embedder.model_id), ignore_errors=True)
    with app.sessions() as session, progress_bar("embedding courses") as bar:
        return open_index(app.settings, session, embedder, bar)


def cmd_index(args: argparse.Namespace, settings: CatalogSettings) -> int:
    index, stats = _sync_index(_open(settings), args.rebuild)
    print(f"{stats.summary()}; {len(index)} courses indexed with {index.model_id}")
    return 0


def _filters_from_args(args: argparse.Namespace) -> Filters:
    raw: dict[str, Any] = {}
    if args.free:
        raw["free_only"] = True
    if args.max_cost:
        amount, _, currency = args.max_cost.partition(":")
        raw["max_cost"] = amount
        if currency:
            raw["max_cost_currency"] = currency
    for name in ("delivery", "schedule", "languages"):
        if getattr(args, name):
            raw[name] = getattr(args, name)
    for name in ("country", "province", "sectors", "age"):
        if getattr(args, name) is not None:
            raw[name] = getattr(args, name)
    if args.woman:
        raw["is_woman"] = True
    return Filters.from_dict(raw)


def _exclude_ids(recommender: Recommender, keys: Sequence[str]) -> set[int]:
    by_key = {f"{c.provider}:{c.code}": c.id for c in recommender.snapshot.courses}
    ids = set()
    for key in keys:
        if key not in by_key:
            raise InputError(f"--exclude {key!r}: no active course PROVIDER:CODE with that name")
        ids.add(by_key[key])
    return ids


def _output(rec: Recommendation, item_id: Any) -> dict[str, Any]:
    return {"id": item_id, **rec.to_dict()}


def _print_human(rec: Recommendation) -> None:
    understood = ", ".join(f"{c.kind}={c.text}" for c in rec.constraints)
    print(f"goal language: {rec.goal.language}" + (f"; understood: {understood}" if understood else ""))
    if rec.vague:
        print("the goal names no work or skill; say what you want to learn (e.g. sewing, motorbike repair)")
        return
    if not rec.results:
        print("no course fits; try other words or remove a constraint" if rec.eligible else
              "no course fits these constraints; try removing one")
        return
    places = gazetteer()
    for i, r in enumerate(rec.results, start=1):
        c = r.course
        cost = "free" if c.cost_amount == 0 else f"{c.cost_amount:,.0f} {c.cost_currency}"
        province = places.get(c.province)
        where = "online" if c.delivery == "online" else (province.name("en") if province else c.province)
        print(f"{i:>2}. {r.title} [{c.provider}:{c.code}]")
        print(f"    {c.duration_hours:g} h · {cost} · {where} · taught in {c.language_of_instruction}"
              f" · score {r.score:.4f}")
        print(f"    why: {r.reason}")


def _read_batch(path: str) -> list[dict[str, Any]]:
    """Read and validate every line before answering any: a bad line means no output at all."""
    items = []
    for no, obj in read_jsonl(path, limit=MAX_BATCH_LINES):
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise InputError(f'{path}:{no}: expected {{"id": ..., "text": "...", "filters": {{...}}}}')
        unknown = set(obj) - {"id", "text", "filters", "exclude", "lang", "top"}
        if unknown:
            raise InputError(f"{path}:{no}: unknown field(s) {', '.join(sorted(unknown))}")
        try:
            obj["filters"] = Filters.from_dict(obj.get("filters"))
            parse_goal(obj["text"], gazetteer())
        except InputError as exc:
            raise InputError(f"{path}:{no}: {exc}") from None
        if obj.get("lang") not in (None, *LANGUAGES):
            raise InputError(f"{path}:{no}: lang must be one of {', '.join(LANGUAGES)}")
        items.append(obj)
    return items


def cmd_recommend(args: argparse.Namespace, settings: CatalogSettings) -> int:
    if (args.goal is None) == (args.batch is None):
        raise InputError("give either a GOAL or --batch FILE.jsonl")
    filters = _filters_from_args(args)
    if args.goal is not None:
        parse_goal(args.goal, gazetteer())  # fail fast on an empty or oversized goal, before loading anything
        batch = None
    else:
        batch = _read_batch(args.batch)
    app = _open(settings, quiet=args.json)
    recommender = _recommender(app)
    exclude = _exclude_ids(recommender, args.exclude or [])
    if batch is None:
        rec = recommender.recommend(args.goal, filters, exclude=exclude, top_k=args.top, lang=args.lang,
                                    method=args.method)
        if args.json:
            print(json.dumps(_output(rec, None), ensure_ascii=False))
        else:
            _print_human(rec)
        return 0
    outputs = []
    for item in tqdm(batch, desc="recommending", unit="goal", file=sys.stderr, disable=len(batch) < 50):
        item_exclude = exclude | _exclude_ids(recommender, item.get("exclude") or [])
        rec = recommender.recommend(item["text"], filters.merged(item["filters"]), exclude=item_exclude,
                                    top_k=int(item.get("top") or args.top), lang=item.get("lang") or args.lang,
                                    method=args.method)
        outputs.append(json.dumps(_output(rec, item.get("id")), ensure_ascii=False))
    sys.stdout.write("\n".join(outputs) + ("\n" if outputs else ""))
    return 0


def cmd_eval(args: argparse.Namespace, settings: CatalogSettings) -> int:
    items = load_dataset(Path(args.dataset))
    app = _open(settings, quiet=True)
    recommender = _recommender(app)
    variants = tuple(args.variants.split(",")) if args.variants else VARIANTS
    for v in variants:
        if v not in VARIANTS:
            raise InputError(f"unknown variant {v!r}; choose from {', '.join(VARIANTS)}")
    with tqdm(total=len(items) * len(variants), desc="evaluating", unit="goal", file=sys.stderr) as bar:
        results = evaluate(recommender, items, variants, progress=bar.update, alternatives=not args.no_alternatives)
    print(to_json(results) if args.json else format_table(results))
    return 0


def cmd_eval_conditions(args: argparse.Namespace, settings: CatalogSettings) -> int:
    """Reads only the goal parser and the gazetteer: no database, no model."""
    items = load_conditions(Path(args.dataset))
    print(format_conditions(score_conditions(items, gazetteer(), args.split)))
    return 0


def cmd_sample(args: argparse.Namespace, settings: CatalogSettings) -> int:
    app, _ = open_app(settings, sample=False)
    if args.action == "load":
        reports = app.load_sample()
        created = sum(len(r.created) for r in reports)
        print(f"sample catalog: {created} courses created, "
              f"{sum(len(r.unchanged) for r in reports)} already there ({len(reports)} files)")
        if not args.no_index:
            print(_sync_index(app)[1].summary(), file=sys.stderr)
        return 0
    # "vectors": what the sample's courses embed to with the configured model, for shipping.
    _sync_index(app)
    embedder = app.embedder()
    with app.sessions() as session:
        hashes = set(session.scalars(select(Course.content_hash).where(Course.active)))
        vectors = {c.content_hash: np.frombuffer(c.vector, dtype=np.float32)
                   for c in session.scalars(select(EmbeddingCache).where(EmbeddingCache.model_id == embedder.model_id))
                   if c.content_hash in hashes}
    if not hashes or set(vectors) != hashes:
        raise InputError("load the sample first (python -m catalog sample load) into an otherwise empty database")
    print(f"wrote {len(vectors)} vectors to {write_bundled_vectors(embedder.model_id, vectors)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m catalog", description=(
        "Course catalog engine of the TVET learning advisor. Settings come from ADVISOR_* environment "
        "variables (ADVISOR_DATA_DIR, ADVISOR_DATABASE_URL, ADVISOR_EMBEDDING_MODEL, ...)."))
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="validate and store provider catalog files (JSON or CSV), all or nothing")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--provider", metavar="CODE", help="provider of a CSV file without a provider column")
    p.add_argument("--provider-name", metavar="NAME", help="create that provider with this name if it is new")
    p.add_argument("--json", action="store_true", help="one JSON report per file on stdout")
    p.add_argument("--no-index", action="store_true", help="do not update the vector index afterwards")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("index", help="bring the FAISS index up to date (embeds only new or changed courses)")
    p.add_argument("--rebuild", action="store_true", help="drop the saved index first (cached vectors are reused)")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("recommend", help="recommend courses for a goal written in Khmer, Vietnamese or English")
    p.add_argument("goal", nargs="?", metavar="GOAL")
    p.add_argument("--batch", metavar="FILE.jsonl", help='one {"id", "text", "filters"} object per line ("-" = stdin)')
    p.add_argument("--top", type=int, default=5, choices=range(1, MAX_TOP + 1), metavar=f"1..{MAX_TOP}")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--lang", choices=LANGUAGES, help="language for titles (default: the goal's)")
    p.add_argument("--method", choices=FUSION_METHODS, help="retrieval variant (default: ADVISOR_FUSION)")
    p.add_argument("--free", action="store_true", help="free courses only")
    p.add_argument("--max-cost", metavar="AMOUNT[:CUR]", help="maximum cost, e.g. 100 or 2000000:VND")
    p.add_argument("--delivery", nargs="+", choices=DELIVERY)
    p.add_argument("--schedule", nargs="+", choices=SCHEDULES)
    p.add_argument("--language", dest="languages", nargs="+", choices=LANGUAGES, help="language of instruction")
    p.add_argument("--country", choices=COUNTRIES)
    p.add_argument("--province", help="province in any language, e.g. Battambang, បាត់ដំបង, Cần Thơ")
    p.add_argument("--field", dest="sectors", nargs="+", metavar="FIELD",
                   help="fields of training: ISCED-F codes (0713) or names in any language")
    p.add_argument("--woman", action="store_true", help="the learner is a woman (shows women-only courses)")
    p.add_argument("--age", type=int, help="the learner's age (applies age limits)")
    p.add_argument("--exclude", nargs="+", metavar="PROVIDER:CODE", help="courses already taken")
    p.set_defaults(func=cmd_recommend)

    p = sub.add_parser("sample", help="the bundled sample catalog (demo data: 15 invented providers)")
    p.add_argument("action", choices=("load", "vectors"), help="load: store it in the database; vectors: "
                   "write its vectors for the configured model into the package (maintainers)")
    p.add_argument("--no-index", action="store_true", help="do not update the vector index afterwards")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("eval", help="nDCG@10, Recall@5 and MRR per language for each retrieval variant")
    p.add_argument("dataset", metavar="DATASET.jsonl")
    p.add_argument("--variants", help=f"comma-separated subset of {','.join(VARIANTS)}")
    p.add_argument("--no-alternatives", action="store_true",
                   help="score a goal that gets no list as empty, not on the 'without X' courses the bot names")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("eval-conditions", help="how well the conditions learners state are read, per kind")
    p.add_argument("dataset", metavar="DATASET.jsonl")
    p.add_argument("--split", help="only the messages of this split (tune, check)")
    p.set_defaults(func=cmd_eval_conditions)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = CatalogSettings.from_env()
        return int(args.func(args, settings))
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except SQLAlchemyError as exc:
        print(f"error: database failure: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 74
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
