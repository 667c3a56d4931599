"""Citation verification of generated answers.

Every sentence must carry at least one marker ``[n]`` and must not loop on itself;
every marker must point to a retrieved paragraph; every number, date, document symbol and
capitalised word of the sentence, at any position, must appear in the paragraphs it cites
(or in the question), and of its other content words only a small share may be missing from
them. Sentences that fail are removed (and reported); citations are renumbered over what
remains, each with the exact sentence of the paragraph that best supports it. A streamed draft
is checked sentence by sentence, so only verified text is ever given out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answering.answer import Answer, Citation
from rag.answering.extractive import citation_for, sentences
from rag.answering.sentences import split_sentences
from rag.config import Settings
from rag.ingest.textfix import fold
from rag.languages.language import (
    detect_language,
    english_words_for,
    function_words,
    number_words,
    stems,
    to_french_terms,
)
from rag.languages.messages import message
from rag.search.retrieve import Hit

_MARKER = re.compile(r"\[(\d+)\]")
_SYMBOL = re.compile(r"\b[A-Z]{1,5}(?:\.[A-Z0-9]+)*/[\w./-]*\w")
_NUMBER = re.compile(r"\b\d+(?:[.,/]\d+)*\b")
_WORD = re.compile(r"[^\W\d_](?:[\w’']*[^\W_])?")
_MONTHS_FR = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
_MONTHS_EN = "january february march april may june july august september october november december".split()
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:er)?\s+(" + "|".join(_MONTHS_FR + _MONTHS_EN) + r")\b", re.I)
# Words that answer about the documents without being claims about them.
_ANSWER_WORDS = {"paragraphe", "paragraph", "document", "documents", "oui", "yes", "texte", "text"}
REFUSALS = ("ne le disent pas", "ne permettent pas de répondre", "do not say", "do not answer")


@dataclass(frozen=True)
class Rejected:
    """A sentence removed by verification, and why."""

    sentence: str
    reason: str


def _words(text: str) -> list[str]:
    """The words of a text, elided articles cut off ("l’Organisation" → "Organisation")."""
    return [re.sub(r"^\w{1,2}['’]", "", word) for word in _WORD.findall(text)]


def _is_function_word(word: str, language: str) -> bool:
    folded = fold(word)
    return folded in _ANSWER_WORDS or (folded in function_words(language) and folded not in number_words(language))


def claims(sentence: str, language: str = "fr") -> list[str]:
    """The specifics of a sentence, each of which its cited paragraphs must contain: day-and-month
    dates, document symbols, numbers, and every capitalised word that is not a function word,
    wherever it stands (a name that opens a sentence is a name all the same)."""
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
    found += [word for word in _words(text) if _is_specific(word, language)]
    return found


def _is_specific(word: str, language: str) -> bool:
    """A capitalised word that is not a function word, or a number word ("troisième", "third")."""
    return fold(word) in number_words(language) or (word[:1].isupper() and not _is_function_word(word, language))


def content_words(sentence: str, language: str = "fr") -> list[str]:
    """The words of a sentence that say something: neither function words nor specifics."""
    text = _SYMBOL.sub(" ", _MARKER.sub(" ", sentence))
    return [word for word in _words(text) if not _is_specific(word, language) and not _is_function_word(word, language)]


class Evidence:
    """What a sentence may say: the text of the paragraphs it cites (with their citations) and
    the question's own words, compared as folded words, as stems, and in English through the glossary."""

    def __init__(self, texts: list[str], question: str, language: str) -> None:
        self.language = language
        self.text = fold(" ".join([*texts, question]))
        words = _words(" ".join([*texts, question]))
        document_language = detect_language(" ".join(texts), default=language)
        self.languages = tuple(dict.fromkeys((language, document_language)))
        self.words = {fold(word) for word in words}
        if language == "en" and document_language != "en":  # "Turkey" for "Turquie", "council" for "conseil"
            self.words |= {word for text in texts for word in english_words_for(text)}
        self.stems = {stem for code in self.languages for stem in stems(list(self.words), code)}

    def has_word(self, word: str, language: str | None = None) -> bool:
        """Whether the evidence uses the word, in some form (an English word: or its French term)."""
        language = language or self.language
        if fold(word) in self.words or stems([word], language)[0] in self.stems:
            return True
        if language != "en" or "fr" not in self.languages:
            return False
        # The glossary's first French word for an English one ("UNODC": "onudc office des Nations Unies…").
        french = [term for term in _words(to_french_terms(word)) if not _is_function_word(term, "fr")]
        return bool(french) and fold(french[0]) != fold(word) and self.has_word(french[0], "fr")

    def has_claim(self, claim: str) -> bool:
        """Whether the evidence says a specific: a number, date or symbol as written, a name as a word."""
        folded = fold(claim)
        if claim[:1].isdigit() and " " in claim:  # a day and month: "1 mars" may be written "1er mars"
            day, month = folded.split(" ", 1)
            return folded in self.text or f"{day}er {month}" in self.text
        if claim[:1].isdigit() or "/" in claim:
            # A number as a whole: "4" is not in "2004", but "24/7" is in "I-24/7".
            return re.search(rf"(?<!\d)(?<!\d[.,/]){re.escape(folded)}(?![.,/]?\d)", self.text) is not None
        return self.has_word(claim)


def unsupported(sentence: str, evidence: Evidence, max_unsupported: float) -> str | None:
    """Why the cited evidence does not support a sentence, or None when it does.

    Every specific must be in the evidence; of the other content words, at most ``max_unsupported``
    (a share) may be missing from it (a model rephrases: "s'est tenu" for "a eu lieu").
    """
    for claim in claims(sentence, evidence.language):
        if not evidence.has_claim(claim):
            return f"“{claim}” is not in the cited paragraphs"
    words = content_words(sentence, evidence.language)
    missing = [word for word in words if not evidence.has_word(word)]
    if missing and len(missing) > max_unsupported * len(words):
        return f"{len(missing)} of its {len(words)} words are not in the cited paragraphs (“{'”, “'.join(missing)}”)"
    return None


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


def check_sentence(
    sentence: str, hits: list[Hit], question: str = "", language: str = "fr", max_unsupported: float | None = None
) -> str | None:
    """Why a generated sentence fails verification, or None when it passes.

    Args:
        sentence: a sentence of the draft, with its markers.
        hits: the retrieved paragraphs, numbered from 1 as the model saw them.
        question: the question asked; its own words are not claims of the answer.
        language: the language of the answer.
        max_unsupported: share of a sentence's content words that may be absent from its evidence
            (default: the setting ``verify_max_unsupported``).
    """
    if max_unsupported is None:
        max_unsupported = Settings.model_fields["verify_max_unsupported"].default
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
    cited = [f"{hits[marker - 1].entry.text} {hits[marker - 1].entry.citation}" for marker in dict.fromkeys(markers)]
    return unsupported(sentence, Evidence(cited, question, language), max_unsupported)


def best_quote(sentence: str, text: str, language: str) -> str:
    """The sentence of a paragraph that shares most words with a generated sentence."""
    words = set(re.findall(r"\w+", fold(sentence)))
    return max(sentences(text, language) or [text], key=lambda part: len(words & set(re.findall(r"\w+", fold(part)))))


def draft_sentences(draft: str, language: str) -> list[str]:
    """The sentences of a draft, each with its markers: markers a model puts after a full stop
    ("… 2004. [1]") belong to the sentence before them."""
    parts: list[str] = []
    for part in split_sentences(draft, language):
        leading = re.match(r"(?:\s*\[\d+\])+", part)
        if leading and parts:
            parts[-1] = f"{parts[-1]} {leading.group(0).strip()}"
            part = part[leading.end() :].strip()
        if part:
            parts.append(part)
    return parts


class DraftVerifier:
    """Verifies a draft as it streams: each sentence is checked once it is complete, and only
    the sentences that pass are given out, numbered as in the final answer.

    Args:
        hits: the retrieved paragraphs, numbered from 1 as the model saw them.
        question: the question asked (its own words are not claims of the answer).
        language: the language of the answer.
        max_unsupported: share of a sentence's content words that may be absent from its evidence.
    """

    def __init__(self, hits: list[Hit], question: str, language: str, max_unsupported: float) -> None:
        self.hits, self.question, self.language, self.max_unsupported = hits, question, language, max_unsupported
        self.draft = ""
        self.kept: list[str] = []
        self.rejected: list[Rejected] = []
        self._checked = 0
        self._renumber: dict[int, int] = {}

    def feed(self, chunk: str) -> str:
        """Add a chunk of the draft. Returns the verified text it completed (the sentences that
        passed, renumbered), which extends the answer's text exactly; often empty."""
        self.draft += chunk
        return self._check(draft_sentences(self.draft, self.language)[:-1])

    def finish(self) -> str:
        """The draft is complete: check its last sentence; returns it as ``feed`` does."""
        return self._check(draft_sentences(self.draft, self.language))

    def _check(self, complete: list[str]) -> str:
        passed = []
        for sentence in complete[self._checked :]:
            self._checked += 1
            if not re.search(r"\w", _MARKER.sub("", sentence)) or any(r in fold(sentence) for r in REFUSALS):
                continue
            sentence = attribute(sentence, self.hits)
            reason = check_sentence(sentence, self.hits, self.question, self.language, self.max_unsupported)
            if reason is not None:
                self.rejected.append(Rejected(sentence, reason))
                continue
            self.kept.append(sentence)
            for marker in (int(number) for number in _MARKER.findall(sentence)):
                self._renumber.setdefault(marker, len(self._renumber) + 1)
            renumbered = _MARKER.sub(lambda m: f"[{self._renumber[int(m.group(1))]}]", sentence)
            passed.append(renumbered if len(self.kept) == 1 else f" {renumbered}")
        return "".join(passed)

    def answer(self) -> Answer | None:
        """The verified answer: ``None`` when no sentence survived and the model did not refuse;
        an abstention when the draft only says the documents do not answer."""
        language = self.language
        if not self.kept:
            if any(refusal in fold(self.draft) for refusal in REFUSALS):
                return Answer(text=message("abstain", language), abstained=True, mode="generative", language=language)
            return None
        citations: list[Citation] = []
        for marker, number in self._renumber.items():
            entry = self.hits[marker - 1].entry
            supported = " ".join(sentence for sentence in self.kept if f"[{marker}]" in sentence)
            citations.append(citation_for(entry, number, best_quote(supported, entry.text, entry.language)))
        text = " ".join(_MARKER.sub(lambda m: f"[{self._renumber[int(m.group(1))]}]", s) for s in self.kept)
        notice = None
        if self.rejected:
            notice = (
                f"{len(self.rejected)} phrase(s) non vérifiée(s) retirée(s) de la réponse."
                if language == "fr"
                else f"{len(self.rejected)} unverified sentence(s) removed from the answer."
            )
        return Answer(text=text, citations=citations, mode="generative", language=language, notice=notice)


def verify(
    draft: str, hits: list[Hit], language: str, question: str = "", max_unsupported: float | None = None
) -> tuple[Answer | None, list[Rejected]]:
    """Keep the verified sentences of a whole generated draft (see ``DraftVerifier``).

    Returns:
        The verified answer (``None`` when no sentence survives and the model did not
        refuse), and the rejected sentences with their reasons.
    """
    verifier = DraftVerifier(hits, question, language, max_unsupported)
    verifier.feed(draft)
    verifier.finish()
    return verifier.answer(), verifier.rejected
