"""BM25 over the stored course tokens (see :mod:`catalog.language.tokens`).

Postings per term (scipy's column-compressed layout), so scoring a goal reads only its few columns:
well under a millisecond per thousand courses.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse


class LexicalIndex:
    """Okapi BM25 (k1=1.2, b=0.75) over pre-tokenised documents, rows in the caller's order.

    Stored as postings (one column per term, courses in row order) holding the raw term counts
    as bytes plus one length norm per course; a goal's few columns are weighted when it is
    scored. 5 bytes per (course, term) pair instead of 8 for precomputed float weights (64 MB
    instead of 102 MB at 100k courses), and the build never holds a float copy of the pairs.
    """

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.n = len(documents)
        self.k1 = k1
        vocab: dict[str, int] = {}
        # Rows come in order, so the pairs are collected row by row into typed buffers (5 bytes per
        # pair, not three Python lists of ints) and scipy turns them into columns.
        cols, tfs = array("i"), array("B")
        indptr = np.zeros(self.n + 1, dtype=np.int64)
        lengths = np.zeros(self.n, dtype=np.float32)
        for row, doc in enumerate(documents):
            lengths[row] = len(doc)
            for term, tf in Counter(doc).items():
                cols.append(vocab.setdefault(term, len(vocab)))
                tfs.append(min(tf, 255))  # counts beyond that change a BM25 weight by < 1 %
            indptr[row + 1] = len(cols)
        self.vocab = vocab
        avgdl = float(lengths.mean()) if self.n else 1.0
        self.norm = (k1 * (1 - b + b * lengths / (avgdl or 1.0))).astype(np.float32)
        c = np.frombuffer(cols, dtype=np.int32)
        pairs = sparse.csr_matrix((np.frombuffer(tfs, dtype=np.uint8), c, indptr),
                                  shape=(self.n, len(vocab)), dtype=np.uint8).tocsc()
        self.ptr, self.rows, self.tf = pairs.indptr, pairs.indices, pairs.data
        self.df = np.diff(self.ptr).astype(np.float32)  # courses each term occurs in: how specific a goal word is
        self._idf_of = self._idf(self.df).astype(np.float32)

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
        """The documents ``term`` occurs in (one column, no scan)."""
        col = self.vocab.get(term)
        if col is None:
            return np.zeros(0, dtype=np.int32)
        return self.rows[self.ptr[col]:self.ptr[col + 1]]

    def scores(self, query_tokens: Sequence[str], bigram_weight: float = 2.0) -> np.ndarray:
        """BM25 score of every document (zeros where nothing matched). Bigrams ("xe_may") count
        more than their syllables: they separate "sửa xe máy" from "sửa máy may"."""
        out = np.zeros(self.n, dtype=np.float32)
        for term in dict.fromkeys(query_tokens):
            col = self.vocab.get(term)
            if col is None:
                continue
            lo, hi = self.ptr[col], self.ptr[col + 1]
            rows, tf = self.rows[lo:hi], self.tf[lo:hi].astype(np.float32)
            # idf · tf · (k1 + 1) / (tf + norm); rows are distinct within a column, so += is safe
            weight = (bigram_weight if "_" in term else 1.0) * self._idf_of[col] * (self.k1 + 1)
            out[rows] += weight * tf / (tf + self.norm[rows])
        return out
