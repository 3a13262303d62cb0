import numpy as np
import pytest

from catalog.courses.ingest import ingest_bytes
from catalog.errors import IndexMismatchError
from catalog.retrieval.index import VectorIndex
from tests.support import catalog_json, course


class Counting:
    """The real embedder, counting how many passages it had to embed."""

    def __init__(self, inner):
        self.inner, self.model_id, self.dim, self.embedded = inner, inner.model_id, inner.dim, 0

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts, progress=None):
        self.embedded += len(texts)
        return self.inner.embed_passages(texts, progress)


def three_courses(**changes):
    base = [course(), course(code="COOK-1", title={"en": "Khmer Cooking"}, skills=["cooking"], sector="food"),
            course(code="SEW-1", title={"en": "Sewing"}, skills=["sewing"], sector="garment")]
    for c in base:
        c.update(changes.get(c["code"], {}))
    return catalog_json(*base)


def test_incremental_sync_embeds_only_what_changed(session, settings, embedder):
    counting = Counting(embedder)
    ingest_bytes(session, settings, three_courses(), "a.json")
    index = VectorIndex.open(settings.index_dir, counting.model_id, counting.dim)
    stats = index.sync(session, counting)
    assert (stats.added, counting.embedded, len(index)) == (3, 3, 3)

    reopened = VectorIndex.open(settings.index_dir, counting.model_id, counting.dim)
    assert len(reopened) == 3 and reopened.sync(session, counting).added == 0
    assert counting.embedded == 3  # start-up loads, never re-embeds

    ingest_bytes(session, settings, three_courses(**{"COOK-1": {"title": {"en": "Khmer and Thai Cooking"}},
                                                     "SEW-1": {"active": False}}), "a.json")
    stats = reopened.sync(session, counting)
    assert (stats.removed, stats.added, stats.embedded, len(reopened)) == (2, 1, 1, 2)
    assert counting.embedded == 4

    # A changed-then-reverted course comes back from the embedding cache.
    ingest_bytes(session, settings, three_courses(), "a.json")
    stats = reopened.sync(session, counting)
    assert (stats.added, stats.embedded, stats.from_cache) == (2, 0, 2)


def test_search_with_id_bitmap(session, settings, embedder):
    ingest_bytes(session, settings, three_courses(), "a.json")
    index = VectorIndex.open(settings.index_dir, embedder.model_id, embedder.dim)
    index.sync(session, embedder)
    q = embedder.embed_queries(["cooking"])[0]
    _, ids = index.search(q, 3)
    assert len(ids) == 3
    allowed = np.zeros(int(ids.max()) + 1, dtype=bool)
    allowed[ids[1]] = True
    _, only = index.search(q, 3, np.packbits(allowed, bitorder="little"))
    assert list(only) == [ids[1]]


def test_index_refuses_another_model(session, settings, embedder):
    ingest_bytes(session, settings, three_courses(), "a.json")
    index = VectorIndex.open(settings.index_dir, embedder.model_id, embedder.dim)
    index.sync(session, embedder)
    (index.folder / "meta.json").write_text((index.folder / "meta.json").read_text().replace(
        embedder.model_id, "other-model"))
    with pytest.raises(IndexMismatchError):
        VectorIndex.open(settings.index_dir, embedder.model_id, embedder.dim)


def test_quantised_vectors_rank_like_exact_search(tmp_path):
    """One byte per dimension, the range learnt from the first vectors: the shipped sample's
    vectors rank each other as an exact float scan does, with scores within 0.01."""
    from catalog.retrieval.index import SAMPLE_VECTORS

    with np.load(next(SAMPLE_VECTORS.glob("*.npz"))) as data:
        vectors = data["vectors"].astype(np.float32)
    index = VectorIndex(tmp_path, "m", vectors.shape[1])
    index.add(vectors[:40], np.arange(40))
    index.add(vectors[40:], np.arange(40, len(vectors)))  # later vectors reuse the learnt range
    index.save()
    assert (tmp_path / "vectors.faiss").stat().st_size < vectors.nbytes / 3
    rng = np.random.default_rng(3)
    overlap = []
    for row in rng.choice(len(vectors), 20, replace=False):
        query = vectors[row] + rng.normal(0, 0.03, vectors.shape[1]).astype(np.float32)
        query /= np.linalg.norm(query)
        exact = vectors @ query
        scores, ids = index.search(query, 10)
        assert np.abs(scores - exact[ids]).max() < 0.01
        overlap.append(len(set(ids) & set(np.argsort(-exact)[:10])) / 10)
    assert np.mean(overlap) >= 0.9
