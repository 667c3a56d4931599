"""The index: embeddings (models, exports, the light question encoder), BM25, Chroma, the manifest."""
