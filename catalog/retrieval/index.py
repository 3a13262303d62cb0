"""The FAISS vector index of active courses, persisted on disk with what produced it.

Layout: ``<index_dir>/<model slug>/vectors.faiss`` plus ``meta.json`` (model id, dimension,
catalog version, and the content hash of every indexed course). The index scans every course,
keyed by course id (``IndexIDMap2``): at catalog sizes up to ~100k courses a full scan costs a
few milliseconds, supports removal by id, and filters (cost, place, schedule, eligibility) are
applied inside the scan with an id bitmap. Vectors are stored with 8-bit scalar quantisation
(one byte per dimension, a quarter of float32: 37 MB instead of 146 MB at 100k courses); the
range is learnt from the first vectors added, with a margin, so no later training is needed and
every worker reading the file scores alike. Scores move by about 0.002, well under the gaps the
ranking and the relevance judgement depend on (``docs/performance.md`` has the measurements).

Syncing compares content hashes: only new or changed courses are embedded, and their vectors
come from the database cache when any process (or an earlier run) already embedded that text, or
from the vectors shipped with the sample catalog for the default model.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.courses.samples import SAMPLE_DIR
from catalog.courses.schema import search_text
from catalog.errors import IndexMismatchError, StorageError
from catalog.retrieval.embedding import Embedder
from catalog.settings import CatalogSettings
from catalog.storage.db import catalog_version
from catalog.storage.models import Course, EmbeddingCache

FORMAT = 2  # 1: float32 vectors (IndexFlatIP); 2: 8-bit scalar quantised
RANGE_MARGIN = 0.5  # the learnt range is widened by half its span on each side


@dataclass
class SyncStats:
    added: int = 0
    removed: int = 0
    embedded: int = 0
    from_cache: int = 0
    version: int = 0

    def summary(self) -> str:
        return (f"index at catalog version {self.version}: {self.added} added ({self.embedded} embedded, "
                f"{self.from_cache} from cache), {self.removed} removed")


def model_slug(model_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model_id).strip("_")[:120]


class VectorIndex:
    """Course vectors for one embedding model. Not thread-safe for writes; searches are."""

    def __init__(self, folder: Path, model_id: str, dim: int) -> None:
        self.folder = folder
        self.model_id = model_id
        self.dim = dim
        self.index = faiss.IndexIDMap2(faiss.IndexScalarQuantizer(
            dim, faiss.ScalarQuantizer.QT_8bit_uniform, faiss.METRIC_INNER_PRODUCT))
        self.hashes: dict[int, str] = {}
        self.version = -1

    @classmethod
    def open(cls, index_dir: Path, model_id: str, dim: int) -> VectorIndex:
        """Load the saved index for this model, or start an empty one. Refuses another model's files."""
        folder = index_dir / model_slug(model_id)
        idx = cls(folder, model_id, dim)
        meta_path, vec_path = folder / "meta.json", folder / "vectors.faiss"
        if not meta_path.exists():
            return idx
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise StorageError(f"index metadata {meta_path} is unreadable ({exc}); delete {folder} to rebuild") \
                from None
        if meta.get("model_id") != model_id or meta.get("dim") != dim:
            raise IndexMismatchError(
                f"index in {folder} was built with {meta.get('model_id')!r} (dim {meta.get('dim')}), "
                f"not {model_id!r} (dim {dim}); refusing to mix models"
            )
        if meta.get("format") != FORMAT:
            return idx  # older layout: rebuild from the embedding cache
        try:
            index = faiss.read_index(str(vec_path))
        except RuntimeError as exc:
            raise StorageError(f"index file {vec_path} is unreadable ({exc}); delete {folder} to rebuild") from None
        if index.d != dim or index.ntotal != len(meta["hashes"]):
            raise StorageError(f"index file {vec_path} does not match its metadata; delete {folder} to rebuild")
        idx.index = index
        idx.hashes = {int(k): v for k, v in meta["hashes"].items()}
        idx.version = int(meta["catalog_version"])
        return idx

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def save(self) -> None:
        """Write vectors then metadata, each atomically (temp file + rename): a crash leaves the
        previous consistent pair or a pair whose metadata the next start detects as stale."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        os.close(fd)
        try:
            faiss.write_index(self.index, tmp)
            os.replace(tmp, self.folder / "vectors.faiss")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        meta = {"format": FORMAT, "model_id": self.model_id, "dim": self.dim, "catalog_version": self.version,
                "count": len(self), "hashes": {str(k): v for k, v in self.hashes.items()}}
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(meta, fh)
        os.replace(tmp, self.folder / "meta.json")

    def sync(self, session: Session, embedder: Embedder, progress: Callable[[int, int], None] | None = None,
             batch: int = 256, seed: Mapping[str, np.ndarray] | None = None) -> SyncStats:
        """Make the index hold exactly the active courses, embedding only what neither the embedding
        cache nor ``seed`` (vectors shipped for this model, by content hash) has. A maintenance job:
        it commits the embedding cache itself, batch by batch."""
        seed = seed or {}
        version = catalog_version(session)
        stats = SyncStats(version=version)
        rows = session.execute(select(Course.id, Course.content_hash, Course.title, Course.skills, Course.keywords,
                                      Course.description, Course.learning_outcomes).where(Course.active)).all()
        wanted = {r.id: r.content_hash for r in rows}
        stale = [cid for cid, h in self.hashes.items() if wanted.get(cid) != h]
        if stale:
            self.index.remove_ids(np.asarray(stale, dtype=np.int64))
            for cid in stale:
                del self.hashes[cid]
            stats.removed = len(stale)
        todo = [r for r in rows if r.id not in self.hashes]
        known = self._known_vectors(session, sorted({r.content_hash for r in todo}), seed, batch)
        texts: dict[str, str] = {}  # content hash → text, for what nothing has a vector of
        for r in todo:
            if r.content_hash not in known:
                texts.setdefault(r.content_hash, search_text(
                    r.title, r.skills, r.keywords, r.description, r.learning_outcomes))
        keys = list(texts)
        if progress and keys:
            progress(0, len(keys))  # the bar counts real embedding work only
        for start in range(0, len(keys), batch):
            chunk = keys[start : start + batch]
            for key, vec in zip(chunk, embedder.embed_passages([texts[k] for k in chunk]), strict=True):
                known[key] = vec
                session.merge(EmbeddingCache(model_id=self.model_id, content_hash=key, dim=self.dim,
                                             vector=vec.astype(np.float32).tobytes()))
            session.commit()
            if progress:
                progress(len(chunk), len(keys))
        stats.embedded = len(keys)
        stats.from_cache = sum(1 for r in todo if r.content_hash not in texts)
        for start in range(0, len(todo), batch):
            chunk = todo[start : start + batch]
            self.add(np.vstack([known[r.content_hash] for r in chunk]), np.asarray([r.id for r in chunk]))
            for r in chunk:
                self.hashes[r.id] = r.content_hash
        stats.added = len(todo)
        changed = stats.added or stats.removed or self.version != version
        self.version = version
        if changed:
            self.save()
        return stats

    def add(self, vectors: np.ndarray, ids: np.ndarray) -> None:
        """Add vectors under course ids; the first call learns the quantiser's range from them."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if not self.index.is_trained:
            quantizer = faiss.downcast_index(self.index.index)
            quantizer.sq.rangestat = faiss.ScalarQuantizer.RS_minmax
            quantizer.sq.rangestat_arg = RANGE_MARGIN
            quantizer.train(vectors)
            self.index.is_trained = True
        self.index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))

    def _known_vectors(self, session: Session, hashes: list[str], seed: Mapping[str, np.ndarray],
                       batch: int) -> dict[str, np.ndarray]:
        """Vectors this model already has for ``hashes``: the embedding cache, then ``seed`` (which is
        copied into the cache, so the next start finds it there)."""
        known: dict[str, np.ndarray] = {}
        for start in range(0, len(hashes), batch):
            chunk = hashes[start : start + batch]
            known.update({c.content_hash: np.frombuffer(c.vector, dtype=np.float32) for c in session.scalars(
                select(EmbeddingCache).where(EmbeddingCache.model_id == self.model_id,
                                             EmbeddingCache.content_hash.in_(chunk))) if c.dim == self.dim})
            for h in chunk:
                if h not in known and h in seed:
                    known[h] = seed[h]
                    session.merge(EmbeddingCache(model_id=self.model_id, content_hash=h, dim=self.dim,
                                                 vector=seed[h].astype(np.float32).tobytes()))
            session.commit()
        return known

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, course ids) by cosine; ``allowed`` is a bitmap over course ids
        (bit i set = id i may be returned), or ``None`` for no filter."""
        k = min(k, len(self))
        if k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if allowed is None:
            scores, ids = self.index.search(q, k)
        else:
            selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(allowed))
            scores, ids = self.index.search(q, k, params=faiss.SearchParameters(sel=selector))
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]


def open_index(settings: CatalogSettings, session: Session, embedder: Embedder,
               progress: Callable[[int, int], None] | None = None) -> tuple[VectorIndex, SyncStats]:
    """The saved index for this model, brought up to date with the catalog (shipped sample vectors
    and the embedding cache first, the model only for what neither has)."""
    index = VectorIndex.open(settings.index_dir, embedder.model_id, embedder.dim)
    stats = index.sync(session, embedder, progress, seed=bundled_vectors(embedder.model_id, embedder.dim))
    return index, stats


SAMPLE_VECTORS = SAMPLE_DIR / "vectors"


def bundled_vectors(model_id: str, dim: int, folder: Path = SAMPLE_VECTORS) -> dict[str, np.ndarray]:
    """content hash → passage vector shipped for ``model_id`` (empty for any other model or size)."""
    path = folder / f"{model_slug(model_id)}.npz"
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        if meta.get("model_id") != model_id or int(meta.get("dim", 0)) != dim:
            return {}
        return {str(h): v for h, v in zip(data["hashes"], data["vectors"].astype(np.float32), strict=True)}


def write_bundled_vectors(model_id: str, vectors: Mapping[str, np.ndarray], folder: Path = SAMPLE_VECTORS) -> Path:
    """Ship ``vectors`` (content hash → vector) for ``model_id``; maintainers run this after editing
    the sample (``python -m catalog sample vectors``)."""
    path = folder / f"{model_slug(model_id)}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = sorted(vectors)
    dim = int(next(iter(vectors.values())).shape[0]) if keys else 0
    np.savez_compressed(path, meta=np.asarray(json.dumps({"model_id": model_id, "dim": dim})),
                        hashes=np.asarray(keys), vectors=np.vstack([vectors[k] for k in keys]).astype(np.float32))
    return path
