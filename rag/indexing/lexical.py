"""Lexical retrieval: BM25 (bm25s) over words stemmed and stop-worded in each paragraph's language."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import numpy as np
import stopwordsiso

from rag.indexing.bm25s_import import bm25s
from rag.languages.language import french_terms, stems

# NLTK's lists as bm25s ships them, where it has one; stopwords-iso's for the other languages.
_BM25S_STOPWORDS = {
    "da": "DANISH", "de": "GERMAN", "en": "EN", "es": "SPANISH", "fr": "FRENCH", "it": "ITALIAN", "ko": "KOREAN",
    "nl": "DUTCH", "no": "NORWEGIAN", "pt": "PORTUGUESE", "ru": "RUSSIAN", "sv": "SWEDISH", "tr": "TURKISH",
    "zh": "CHINESE",
}  # fmt: skip
# Chinese and Japanese do not put spaces between words: their ideographs and kana are indexed as
# overlapping pairs of characters, the usual unit of lexical search for them.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@cache
def stopwords(language: str) -> frozenset[str]:
    """The words a language's BM25 leaves out (lowercased, as written)."""
    name = _BM25S_STOPWORDS.get(language)
    if name:
        return frozenset(getattr(bm25s.stopwords, f"STOPWORDS_{name}"))
    return frozenset(stopwordsiso.stopwords(language)) if stopwordsiso.has_lang(language) else frozenset()


def _character_pairs(match: re.Match[str]) -> str:
    run = match.group(0)
    return run if len(run) < 2 else " ".join(run[i : i + 2] for i in range(len(run) - 1))


def tokenize(texts: list[str], language: str) -> list[list[str]]:
    """Tokens of texts in a language: lowercased, elisions split off, stop-words removed, stemmed
    (Snowball), accents folded; runs of Chinese or Japanese characters cut into pairs."""
    cleaned = [_UNSPACED.sub(_character_pairs, text.replace("’", "'").replace("'", " ")) for text in texts]
    return bm25s.tokenize(
        cleaned,
        lower=True,
        stopwords=list(stopwords(language)),
        stemmer=lambda words: stems(words, language),
        return_ids=False,
        show_progress=False,
    )


def tokenize_each(texts: Iterable[str], languages: Iterable[str]) -> list[list[str]]:
    """Tokens of each text in its own language."""
    texts, languages = list(texts), list(languages)
    tokens: list[list[str]] = [[] for _ in texts]
    for language in set(languages):
        positions = [i for i, other in enumerate(languages) if other == language]
        for position, found in zip(positions, tokenize([texts[i] for i in positions], language), strict=True):
            tokens[position] = found
    return tokens


# The language pairs a glossary bridges: a question in the first is read in the second's words, term by term.
_GLOSSARIES = {("en", "fr"): french_terms}


def bridged(language: str, target: str) -> bool:
    """Whether lexical search can read a question in ``language`` with the words of paragraphs in
    ``target``: the same language, or a pair a glossary bridges."""
    return target == language or (language, target) in _GLOSSARIES


def read_as(question: str, language: str, target: str) -> str:
    """A question in ``language`` as lexical search reads it in paragraphs in ``target``: itself in
    its own language; through the glossary where one bridges the pair (an English question for
    French paragraphs); otherwise without its own function words (a Spanish "el" is no French word)."""
    if target == language:
        return question
    if (language, target) in _GLOSSARIES:
        return " ".join(_GLOSSARIES[language, target](question))
    own = stopwords(language)
    return " ".join(word for word in re.findall(r"[\w'’-]+", question) if word.lower() not in own)


def query_terms(question: str, language: str, target: str) -> list[list[str]]:
    """The tokens of ``read_as``, grouped by the question's terms: one token each, but a glossary
    term's reading is one group ("UNODC" → the tokens of "office des nations unies contre la drogue et
    le crime"), so that it can weigh as one word of the question (``references.DocumentNames``)."""
    if (language, target) in _GLOSSARIES:
        return [tokens for tokens in tokenize(_GLOSSARIES[language, target](question), target) if tokens]
    return [[token] for token in tokenize([read_as(question, language, target)], target)[0]]


class LexicalIndex:
    """BM25 over a fixed list of passages, saved to and loaded from a folder."""

    def __init__(self, model: bm25s.BM25, size: int) -> None:
        self._model = model
        self.size = size

    @classmethod
    def build(cls, texts: list[str], languages: list[str], k1: float = 0.9, b: float = 0.4) -> LexicalIndex:
        """Index ``texts``, each tokenised in its language; passage ``i`` of the results is ``texts[i]``."""
        model = bm25s.BM25(k1=k1, b=b)
        tokens = tokenize_each(texts, languages) if texts else [[]]
        if not any(tokens):  # only stop-words (bm25s cannot index an empty vocabulary): a token no query has
            tokens = [["\x00"] for _ in tokens]
        model.index(tokens, show_progress=False)
        return cls(model, len(texts))

    def save(self, folder: Path) -> None:
        """Write the index files into ``folder``."""
        self._model.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        """Read an index written by ``save``, its score arrays memory-mapped (read as searches need them)."""
        return cls(bm25s.BM25.load(str(folder), mmap=True, show_progress=False), size)

    def search(self, queries: dict[str, str], k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``k`` best passages for a query as ``(position, BM25 score)``, best first.

        The query is given as it reads in each language of the passages (``{language: text}``:
        the question itself, or its translation where there is one) and tokenised in each; each
        token counts once, however often it comes (an English word the glossary gives three French
        forms of, a follow-up said twice, a stem two languages share, weigh no more than another word).

        Args:
            queries: the query's text for each language of the passages.
            k: how many to return at most.
            allowed: optional 0/1 mask over passages (filters by document or section).
        """
        tokens = [token for language, text in queries.items() for token in tokenize([text], language)[0]]
        known = list(dict.fromkeys(token for token in tokens if token in self._model.vocab_dict))
        if not known or self.size == 0:
            return []
        k = min(k, self.size)
        documents, scores = self._model.retrieve([known], k=k, show_progress=False, weight_mask=allowed, n_threads=1)
        return [(int(d), float(s)) for d, s in zip(documents[0], scores[0], strict=True) if s > 0]
