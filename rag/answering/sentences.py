"""Sentences of a text, each an exact substring of it: one splitter for quotes and for verification.

pysbd (rule-based sentence boundary disambiguation, per language) knows civil titles,
initials and abbreviations ("présidée par M. Ümit Pamir", "S. E. M.", "par. 3"), which a
split after every full stop cuts apart. Quotes are cut further after semicolons, since the
documents' long operative sentences list their clauses that way.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pysbd
from pysbd.languages import LANGUAGE_CODES

_CLAUSE_END = re.compile(r"(?<=;)\s+(?=\S)")
_LINE_BREAKS = re.compile(r"\n+")


@cache
def _segmenter(language: str) -> pysbd.Segmenter:
    return pysbd.Segmenter(language=language if language in LANGUAGE_CODES else "en", clean=False, char_span=True)


@lru_cache(maxsize=8192)
def split_sentences(text: str, language: str) -> tuple[str, ...]:
    """The sentences of ``text`` in ``language`` (an ISO 639-1 code), stripped, in order.

    A piece without a letter or digit (a closing "»" or ")" that the splitter leaves alone),
    or one that follows its full stop without a space ("![image]"), stays with the sentence
    before it; a line break always ends a sentence.
    """
    parts: list[str] = []
    for block in _LINE_BREAKS.split(text):
        start = None
        for span in _segmenter(language).segment(block) if block.strip() else ():
            piece = block[span.start : span.end].strip()
            if not piece:
                continue
            glued = span.start > 0 and not block[span.start - 1].isspace()  # "distante ![image]": no boundary
            if parts and start is not None and (glued or not re.search(r"\w", piece)):
                parts[-1] = block[start : span.end].strip()
                continue
            start = span.start
            parts.append(piece)
    return tuple(parts)


def clauses(text: str, language: str) -> list[str]:
    """Sentences, and the clauses of a sentence after its semicolons: the units an answer quotes."""
    return [clause for sentence in split_sentences(text, language) for clause in _CLAUSE_END.split(sentence)]
