"""Follow-up questions made standalone before retrieval, without a language model.

Method: a turn that leans on the conversation (it opens with "Et", "And", "¿Y", "А"…, uses a
pronoun or a demonstrative, or is very short; the words of every language are in
``rag.languages.question_words``) is searched together with the earlier user turns back to the last one
that stands on its own, itself said twice (it weighs more in the question's embedding); a turn
that stands on its own is searched alone.
"""

from __future__ import annotations

import re

from rag.languages.question_words import opener_pattern, words_pattern

_OPENERS = opener_pattern()
_REFERRING = words_pattern("referring")
_SHORT = 6
# Chinese and Japanese are written without spaces: about two characters make a word
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def _length(turn: str) -> int:
    """The number of words of a turn (in Chinese and Japanese, half its characters)."""
    cjk = len(_CJK.findall(turn))
    return len(re.findall(r"\w+", _CJK.sub(" ", turn))) + (cjk + 1) // 2


def needs_context(turn: str) -> bool:
    """Whether a user turn depends on the earlier ones to be understood."""
    return bool(_OPENERS.match(turn)) or _length(turn) <= _SHORT or bool(_REFERRING.search(turn))


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
    return " ".join([*user_turns[start:], user_turns[-1]])
