"""Citation verification of generated answers.

Every sentence must carry at least one marker ``[n]`` and must not loop on itself;
every marker must point to a retrieved paragraph; every number, date, document symbol and proper name in the
sentence must appear in the paragraphs that sentence cites. Sentences that fail
are removed (and reported); citations are renumbered over what remains, each with
the exact sentence of the paragraph that best supports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer import Answer, Citation
from rag.extractive import citation_for, sentences
from rag.language import to_french_terms
from rag.retrieve import Hit
from rag.textfix import fold

_MARKER = re.compile(r"\[(\d+)\]")
_SPLIT = re.compile(r"(?<=[.!?»\]])\s+(?=\S)|\n+")
_SYMBOL = re.compile(r"\b[A-Z]{1,5}(?:\.[A-Z0-9]+)*/[\w./-]*\w")
_NUMBER = re.compile(r"\b\d+(?:[.,/]\d+)*\b")
_NAME = re.compile(r"\b[A-ZÀ-Ý][\w’'-]*[\w]")
_MONTHS_FR = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
_MONTHS_EN = "january february march april may june july august september october november december".split()
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:er)?\s+(" + "|".join(_MONTHS_FR + _MONTHS_EN) + r")\b", re.I)
# Capitalised words that are not claims: sentence openers, pronouns, generic titles.
_NOT_NAMES = {
    "le", "la", "les", "l", "un", "une", "il", "elle", "ils", "elles", "ce", "cette", "en", "selon", "d", "de",
    "the", "a", "an", "it", "they", "this", "these", "in", "on", "according", "yes", "no", "oui", "non",
    "paragraphe", "paragraph", "document", "documents", "question", "réponse", "answer",
    "quand", "qui", "quel", "quelle", "quels", "quelles", "où", "comment", "pourquoi", "combien",
    "when", "who", "what", "which", "where", "how", "why",
}  # fmt: skip
REFUSALS = ("ne le disent pas", "ne permettent pas de répondre", "do not say", "do not answer")


@dataclass(frozen=True)
class Rejected:
    """A sentence removed by verification, and why."""

    sentence: str
    reason: str


def claims(sentence: str) -> list[str]:
    """The checkable claims of a sentence: document symbols, numbers, proper names."""
    text = _MARKER.sub(" ", sentence)
    found = []
    for day, month in _DAY_MONTH.findall(text):  # a day goes with its month: "13 mars", not 13 and mars
        month = month.lower()
        french = _MONTHS_FR[_MONTHS_EN.index(month)] if month in _MONTHS_EN else month
        found.append(f"{int(day)} {french}")
    found += _SYMBOL.findall(text)
    for symbol in found:
        text = text.replace(symbol, " ")
    found += _NUMBER.findall(text)
    words = _NAME.findall(text)
    opener = re.match(r"\W*([\w’'-]+)", text)
    for position, word in enumerate(words):
        if position == 0 and opener and word == opener.group(1):
            continue
        if fold(word).split("'")[-1] not in _NOT_NAMES:
            found.append(word)
    return found


def _supported(claim: str, evidence: str) -> bool:
    folded = fold(claim)
    if folded in evidence:
        return True
    if claim[:1].isdigit() and " " in claim:  # a day and month: "1 mars" may be written "1er mars"
        day, month = folded.split(" ", 1)
        return f"{day}er {month}" in evidence
    if claim[:1].isalpha():  # an English name may stand for its French form ("Turkey" / "Turquie")
        french = to_french_terms(claim)
        return bool(french) and any(fold(word) in evidence for word in french.split() if len(word) > 3)
    return False


def attribute(sentence: str, hits: list[Hit], minimum_shared_words: int = 3) -> str:
    """Give a sentence without marker the marker of the paragraph it shares most words with.

    Small models often forget markers; the sentence is then checked against that paragraph
    like any other. A sentence sharing too few words with every paragraph stays unmarked.
    """
    if _MARKER.search(sentence) or not hits:
        return sentence
    words = set(re.findall(r"\w{4,}", fold(f"{sentence} {to_french_terms(sentence)}")))
    shared = [len(words & set(re.findall(r"\w{4,}", fold(hit.entry.text)))) for hit in hits]
    best = max(range(len(hits)), key=shared.__getitem__)
    if shared[best] < minimum_shared_words:
        return sentence
    return f"{sentence.rstrip()} [{best + 1}]"


def repeats_itself(sentence: str, length: int = 4) -> bool:
    """Whether a run of ``length`` words comes back within the sentence, as in the loops small
    models fall into ("qui est de la formation et …, qui est de la formation")."""
    words = re.findall(r"\w+", fold(_MARKER.sub(" ", sentence)))
    runs = [tuple(words[i : i + length]) for i in range(len(words) - length + 1)]
    return len(set(runs)) < len(runs)


def check_sentence(sentence: str, hits: list[Hit]) -> str | None:
    """Why a generated sentence fails verification, or None when it passes."""
    markers = [int(number) for number in _MARKER.findall(sentence)]
    if not markers:
        return "no citation"
    if _MARKER.sub("", sentence).rstrip().endswith("?"):
        return "a question, not an answer"
    if repeats_itself(sentence):
        return "it repeats itself (a degenerate generation)"
    invalid = [marker for marker in markers if not 1 <= marker <= len(hits)]
    if invalid:
        return f"citation [{invalid[0]}] does not resolve to a retrieved paragraph"
    evidence = fold(" ".join(hits[marker - 1].entry.text + " " + hits[marker - 1].entry.citation for marker in markers))
    for claim in claims(sentence):
        if not _supported(claim, evidence):
            return f"“{claim}” is not in the cited paragraphs"
    return None


def best_quote(sentence: str, text: str) -> str:
    """The sentence of a paragraph that shares most words with a generated sentence."""
    words = set(re.findall(r"\w+", fold(sentence)))
    return max(sentences(text) or [text], key=lambda part: len(words & set(re.findall(r"\w+", fold(part)))))


def verify(draft: str, hits: list[Hit], language: str) -> tuple[Answer | None, list[Rejected]]:
    """Keep the verified sentences of a generated draft.

    Returns:
        The verified answer (``None`` when no sentence survives and the model did not
        refuse), and the rejected sentences with their reasons. A draft that only says
        the documents do not answer becomes an abstention.
    """
    kept: list[str] = []
    rejected: list[Rejected] = []
    for sentence in (part.strip() for part in _SPLIT.split(draft.strip())):
        if not sentence or not re.search(r"\w", _MARKER.sub("", sentence)):
            continue
        if any(refusal in fold(sentence) for refusal in REFUSALS):
            continue
        sentence = attribute(sentence, hits)
        reason = check_sentence(sentence, hits)
        if reason is None:
            kept.append(sentence)
        else:
            rejected.append(Rejected(sentence, reason))
    if not kept:
        if any(refusal in fold(draft) for refusal in REFUSALS):
            from rag.extractive import ABSTAIN

            return Answer(text=ABSTAIN[language], abstained=True, mode="generative", language=language), rejected
        return None, rejected

    renumber: dict[int, int] = {}
    citations: list[Citation] = []
    for sentence in kept:
        for marker in (int(number) for number in _MARKER.findall(sentence)):
            if marker not in renumber:
                renumber[marker] = len(renumber) + 1
                entry = hits[marker - 1].entry
                citations.append(citation_for(entry, renumber[marker], best_quote(sentence, entry.text)))
    text = " ".join(_MARKER.sub(lambda m: f"[{renumber[int(m.group(1))]}]", sentence) for sentence in kept)
    notice = None
    if rejected:
        notice = (
            f"{len(rejected)} phrase(s) non vérifiée(s) retirée(s) de la réponse."
            if language == "fr"
            else f"{len(rejected)} unverified sentence(s) removed from the answer."
        )
    answer = Answer(text=text, citations=citations, mode="generative", language=language, notice=notice)
    return answer, rejected
