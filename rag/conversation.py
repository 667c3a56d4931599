"""Follow-up questions made standalone before retrieval, without a language model.

Method: a turn that leans on the conversation (it opens with "Et", "And", "What about"…,
uses a pronoun or a demonstrative, or is very short) is searched together with the
earlier user turns back to the last one that stands on its own, itself said twice (it
weighs more in the question's embedding); a turn that stands on its own is searched
alone. When those turns mix English and French, the English ones are put into French
words (``language.to_french_terms``), so the search sees one language.
"""

from __future__ import annotations

import re

from rag.language import detect_language, to_french_terms

_OPENERS = re.compile(
    r"^\s*(et|and|also|aussi|mais|but|what about|how about|qu['’]en est-il|puis|then|or|ou)\b",
    re.IGNORECASE,
)
_REFERRING = re.compile(
    r"\b(il|elle|ils|elles|lui|leur|celui-ci|celle-ci|ceux-ci|ce document|cette déclaration|ce texte|"
    r"ce plan|cette lettre|ce paragraphe|ce dernier|cette dernière|he|she|it|its|they|them|their|"
    r"his|her|this|that|these|those|the same)\b|\b[lL]['’](?:a|ont|avait|aurait)\b",
    re.IGNORECASE,
)
_SHORT = 6


def needs_context(turn: str) -> bool:
    """Whether a user turn depends on the earlier ones to be understood."""
    words = re.findall(r"\w+", turn)
    return bool(_OPENERS.match(turn)) or len(words) <= _SHORT or bool(_REFERRING.search(turn))


def standalone_question(user_turns: list[str]) -> str:
    """The text to search for the last user turn of a conversation.

    Args:
        user_turns: the user's turns in order; the last is the one to answer.
    """
    if not user_turns:
        return ""
    start = len(user_turns) - 1
    while start > 0 and needs_context(user_turns[start]):
        start -= 1
    if start == len(user_turns) - 1:
        return user_turns[-1]
    # The last turn is said twice: it weighs more than the turns it leans on in the question's
    # embedding (BM25 counts each word once).
    turns = [*user_turns[start:], user_turns[-1]]
    languages = [detect_language(turn) for turn in turns]
    if len(set(languages)) > 1:
        turns = [to_french_terms(turn) if lang == "en" else turn for turn, lang in zip(turns, languages, strict=True)]
    return " ".join(turns)
