"""The FAISS vector index of active courses, persisted on disk with what produced it.

Layout: ``<index_dir>/<model slug>/vectors.faiss`` plus ``meta.json`` (model id, dimension,
catalog version, and the content hash of every indexed course). The index is an exact
inner-product index keyed by course id (``IndexIDMap2(IndexFlatIP)``): at catalog sizes up to
~100k courses an exact scan costs a few milliseconds, supports removal by id, needs no training,
and filters (cost, place, schedule, eligibility) are applied inside the scan with an id bitmap.

Syncing compares content hashes: only new or changed courses are embedded, and their vectors
come from the database cache when any process (or an earlier run) already embedded that text.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.db import catalog_version
from catalog.embedding import Embedder
from catalog.errors import IndexMismatchError, StorageError
from catalog.models import Course, EmbeddingCache
from catalog.schema import search_text

FORMAT = 1


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
        self.index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
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
             batch: int = 256) -> SyncStats:
        """Make the index hold exactly the active courses, embedding only what no cache has."""
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
        if progress:
            progress(0, len(todo))
        for start in range(0, len(todo), batch):
            chunk = todo[start : start + batch]
            hashes = sorted({r.content_hash for r in chunk})
            cached = {
                c.content_hash: np.frombuffer(c.vector, dtype=np.float32)
                for c in session.scalars(select(EmbeddingCache).where(
                    EmbeddingCache.model_id == self.model_id, EmbeddingCache.content_hash.in_(hashes)))
                if c.dim == self.dim
            }
            missing = [r for r in chunk if r.content_hash not in cached]
            texts: dict[str, str] = {}
            for r in missing:
                texts.setdefault(r.content_hash, search_text(
                    r.title, r.skills, r.keywords, r.description, r.learning_outcomes))
            if texts:
                keys = list(texts)
                vectors = embedder.embed_passages([texts[k] for k in keys])
                for key, vec in zip(keys, vectors, strict=True):
                    cached[key] = vec
                    session.merge(EmbeddingCache(model_id=self.model_id, content_hash=key, dim=self.dim,
                                                 vector=vec.astype(np.float32).tobytes()))
                session.commit()
                stats.embedded += len(keys)
            stats.from_cache += len(chunk) - sum(1 for r in chunk if r.content_hash in texts)
            ids = np.asarray([r.id for r in chunk], dtype=np.int64)
            self.index.add_with_ids(np.vstack([cached[r.content_hash] for r in chunk]).astype(np.float32), ids)
            for r in chunk:
                self.hashes[r.id] = r.content_hash
            stats.added += len(chunk)
            if progress:
                progress(len(chunk), len(todo))
        changed = stats.added or stats.removed or self.version != version
        self.version = version
        if changed:
            self.save()
        return stats

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
