"""BM25 over the stored course tokens (see :mod:`catalog.language.tokens`).

The weights are precomputed into a sparse term-by-course matrix, so scoring a goal is a sum of a
few sparse columns: well under a millisecond per thousand courses.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse


class LexicalIndex:
    """Okapi BM25 (k1=1.2, b=0.75) over pre-tokenised documents, rows in the caller's order."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.n = len(documents)
        vocab: dict[str, int] = {}
        # Rows come in order, so the matrix is built as CSR directly, from typed buffers: 8 bytes per
        # (course, term) pair instead of three Python lists of ints (the old peak at 100k courses).
        cols, tfs = array("i"), array("f")
        indptr = np.zeros(self.n + 1, dtype=np.int64)
        lengths = np.zeros(self.n, dtype=np.float32)
        for row, doc in enumerate(documents):
            lengths[row] = len(doc)
            for term, tf in Counter(doc).items():
                cols.append(vocab.setdefault(term, len(vocab)))
                tfs.append(tf)
            indptr[row + 1] = len(cols)
        self.vocab = vocab
        self.df = np.zeros(0, dtype=np.float32)  # courses each term occurs in: how specific a goal word is
        if not tfs:
            self.matrix = sparse.csc_matrix((self.n, 0), dtype=np.float32)
            return
        c = np.frombuffer(cols, dtype=np.int32)
        tf = np.frombuffer(tfs, dtype=np.float32)
        avgdl = float(lengths.mean()) or 1.0
        df = self.df = np.bincount(c, minlength=len(vocab)).astype(np.float32)
        # weights = idf · tf · (k1 + 1) / (tf + norm), in place: one temporary array, not five
        norm = np.repeat(k1 * (1 - b + b * lengths / avgdl), np.diff(indptr))
        norm += tf
        weights = self._idf(df)[c]
        weights *= tf
        weights *= k1 + 1
        weights /= norm
        del norm
        self.matrix = sparse.csr_matrix((weights, c, indptr), shape=(self.n, len(vocab)), dtype=np.float32).tocsc()

    def share(self, term: str) -> float:
        """The share of courses ``term`` occurs in: near 1 for a word that says nothing about a course
        ("learn", "work"), 0 for one no course has (the learner asked for something specific)."""
        col = self.vocab.get(term)
        return float(self.df[col]) / self.n if col is not None and self.n else 0.0

    def _idf(self, df: Any) -> Any:
        return np.log1p((self.n - df + 0.5) / (df + 0.5))

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency of ``term`` (highest for a word no course has)."""
        col = self.vocab.get(term)
        return float(self._idf(float(self.df[col]) if col is not None else 0.0))

    def rows_with(self, term: str) -> np.ndarray:
        """The documents ``term`` occurs in (one column of the matrix, no scan)."""
        col = self.vocab.get(term)
        if col is None:
            return np.zeros(0, dtype=np.int32)
        return self.matrix.indices[self.matrix.indptr[col]:self.matrix.indptr[col + 1]]

    def scores(self, query_tokens: Sequence[str], bigram_weight: float = 2.0) -> np.ndarray:
        """BM25 score of every document (zeros where nothing matched). Bigrams ("xe_may") count
        more than their syllables: they separate "sửa xe máy" from "sửa máy may"."""
        terms = [t for t in dict.fromkeys(query_tokens) if t in self.vocab]
        if not terms:
            return np.zeros(self.n, dtype=np.float32)
        weights = np.asarray([bigram_weight if "_" in t else 1.0 for t in terms], dtype=np.float32)
        return np.asarray(self.matrix[:, [self.vocab[t] for t in terms]] @ weights, dtype=np.float32).ravel()
