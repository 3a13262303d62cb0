"""From a goal to ranked courses: constraints in goals, embeddings, the FAISS index, BM25, fusion."""
