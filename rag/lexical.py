"""French lexical retrieval: BM25 (bm25s) with Snowball French stemming and stop-words."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_FRENCH

from rag.language import stems


def _stem(words: list[str]) -> list[str]:
    # Accents are folded after stemming, so "cooperation" typed without them still matches.
    return stems(words, "fr")


def tokenize(texts: list[str]) -> list[list[str]]:
    """French tokens: lowercased, elisions split off, stop-words removed, stemmed, accents folded."""
    cleaned = [text.replace("’", "'").replace("'", " ") for text in texts]
    return bm25s.tokenize(
        cleaned,
        lower=True,
        stopwords=list(STOPWORDS_FRENCH),
        stemmer=_stem,
        return_ids=False,
        show_progress=False,
    )


class LexicalIndex:
    """BM25 over a fixed list of passages, saved to and loaded from a folder."""

    def __init__(self, model: bm25s.BM25, size: int) -> None:
        self._model = model
        self.size = size

    @classmethod
    def build(cls, texts: list[str], k1: float = 0.9, b: float = 0.4) -> LexicalIndex:
        """Index ``texts``; passage ``i`` of the results is ``texts[i]``."""
        model = bm25s.BM25(k1=k1, b=b)
        tokens = tokenize(texts) if texts else [[]]
        if not any(tokens):  # only stop-words (bm25s cannot index an empty vocabulary): a token no query has
            tokens = [["\x00"] for _ in tokens]
        model.index(tokens, show_progress=False)
        return cls(model, len(texts))

    def save(self, folder: Path) -> None:
        """Write the index files into ``folder``."""
        self._model.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        """Read an index written by ``save``."""
        return cls(bm25s.BM25.load(str(folder), show_progress=False), size)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``k`` best passages for ``query`` as ``(position, BM25 score)``, best first.

        Each word of the query counts once, however often it comes (an English word the glossary
        gives three French forms of, a follow-up said twice, weigh no more than another word).

        Args:
            query: French words (see ``language.to_french_terms`` for English questions).
            k: how many to return at most.
            allowed: optional 0/1 mask over passages (filters by document or section).
        """
        tokens = tokenize([query])[0]
        known = list(dict.fromkeys(token for token in tokens if token in self._model.vocab_dict))
        if not known or self.size == 0:
            return []
        k = min(k, self.size)
        documents, scores = self._model.retrieve([known], k=k, show_progress=False, weight_mask=allowed, n_threads=1)
        return [(int(d), float(s)) for d, s in zip(documents[0], scores[0], strict=True) if s > 0]
