"""What a question requires of the paragraph that answers it.

Two kinds of requirement, both checked by rule (no language model):

- **the kind of answer**: "combien / how many" needs a quantity (a year, a date or a
  document symbol is not one), "quand / when" a date, "how long" a duration, "quel pays /
  which country" the name of a State, "quelle ville / which city" a place ("à Vienne"),
  "qui présidait / who was the Secretary-General" a person named;
- **the specifics the question names**: a year ("en 2004"), an ordinal ("le troisième
  atelier"), a proper name ("la Fédération de Russie") or the focus of its interrogative
  ("Quelle **peine**…", ``rag.answering.focus``). A paragraph that does not contain the year or the
  ordinal, with its citation, does not answer (``requirement``); a name or a focus the
  whole corpus never uses means the documents do not speak of it (``unmentioned``).

The focus is checked against the whole corpus, not against each paragraph: a paragraph
that answers often says it in other words ("Quelle attaque…" → "l'attentat perpétré
contre le siège"), while a focus no document ever uses ("une peine", "l'hôtel") is a
thing the documents do not speak of.

A question none of whose retrieved paragraphs meets its requirements is not answered
(the assistant abstains), which is what separates near-topic questions the corpus does
not answer from those it does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from importlib import resources

from rag.answering.focus import question_focus, yes_no_topic
from rag.indexing.lexical import tokenize
from rag.languages.language import detect_language, glossary_french_words, proper_names, to_french_terms

_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_EXPECTS_NUMBER = re.compile(
    r"\b(combien|quel(?:le)?s? (?:montant|nombre|somme|pourcentage|chiffre)|how (?:many|much)|"
    r"what (?:amount|number|sum|percentage))\b",
    re.I,
)
_EXPECTS_DATE = re.compile(
    r"\b(quand|en quelle année|à quelle date|de quand|depuis quand|quelles? dates?|when|what year|what date|"
    r"which year|since when|in what year)\b",
    re.I,
)
_DATE = re.compile(rf"\b(1[89]\d\d|20\d\d)\b|\b\d{{1,2}}(?:er)? (?:{_MONTHS})\b", re.I)
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
# Numbers that are not quantities: dates, years, symbols (A/RES/60/288, 2004/19, n° 3/05), references.
_NOT_A_QUANTITY = re.compile(
    r"[\w.]*\d[\w.]*(?:/[\w.()]+)+|"
    rf"\b\d{{1,2}}(?:er)? (?:(?:et|au) \d{{1,2}} )?(?:{_MONTHS})(?: \d{{4}})?\b|\b(?:1[89]|20)\d\d\b|"
    r"\b(?:paragraphes?|alinéas?|sections?|résolutions?|décisions?|n°|no|articles?|notes?)\s+[\dIVX][\w./()-]*",
    re.I,
)
_NUMBER_WORDS = (
    "deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|cent|mille|millions?|milliards?"
)
_QUANTITY_WORDS = re.compile(rf"\b({_NUMBER_WORDS})\b", re.I)
_ASKS_COUNTRIES = re.compile(
    r"\b(quel(?:le)?s? (?:pays|états?|etats?|délégations?|nations?|gouvernements?)|"
    r"which (?:countr(?:y|ies)|states?|delegations?|nations?|governments?)|"
    r"what (?:countr(?:y|ies)|states?|delegations?))\b",
    re.I,
)
_ASKS_CITY = re.compile(r"\b(quelles? villes?|(?:which|what) (?:city|cities|town|towns))\b", re.I)
# A place said as the documents say where something is held: "à Bucarest", "au Cap", "à New York".
_PLACE_NAMED = re.compile(r"\b(?:à|au)\s+[A-ZÀ-Ý][\w’'-]+")
_ROLES_FR = (
    r"(?:\w+\s+)?(?:ministre|président|présidente|secrétaire|ambassadeur|ambassadrice|représentant|représentante|"
    r"directeur|directrice|chef|signataire|commissaire|coordonnateur|coordonnatrice|rapporteur|rapporteuse|envoyé|"
    r"envoyée|porte-parole|procureur|juge|gouverneur|maire)"
)
_ROLES_EN = (
    r"(?:\w+\s+){0,2}(?:minister|president|chair\w*|secretary|ambassador|representative|director|head|signatory|"
    r"commissioner|coordinator|rapporteur|envoy|spokesperson|prosecutor|judge|governor|mayor)"
)
_ASKS_PERSON = re.compile(
    rf"\b(?:qui\s+(?:présid\w+|a\s+présidé|dirige\w*|a\s+dirigé|a\s+signé|sign\w+|"
    rf"(?:était|est|fut)\s+(?:le|la|l['’])\s*{_ROLES_FR})|nom\s+(?:du|de\s+la|de\s+l['’])\s*{_ROLES_FR}|"
    rf"who\s+(?:chaired|presided|headed|signed|(?:was|is)\s+the\s+{_ROLES_EN})|name\s+of\s+the\s+{_ROLES_EN})",
    re.I,
)
# A person named: after a signature or a civil title, or two capitalised words or more that are not
# words of the documents' institutional vocabulary ("Ümit Pamir", not "Nations Unies").
_SIGNED_OR_TITLED = re.compile(
    r"\((?:Signé|Signed)\)\s*[A-ZÀ-Ý]|\b(?:M\.|Mme|Mlle|MM\.|Monsieur|Madame|Mr\.?|Mrs\.?|Ms\.?|S\.\s?E\.)\s+[A-ZÀ-Ý]"
)
_CAPITALISED_RUN = re.compile(r"\b[A-ZÀ-Ý][\w’'-]+(?:\s+[A-ZÀ-Ý][\w’'-]+)+")
_EXPECTS_DURATION = re.compile(
    r"\b(how long|combien de temps|pendant combien|quelle (?:a été la |était la |est la )?durée|for how many)\b", re.I
)
_DURATION = re.compile(
    rf"\b(?:\d+|{_NUMBER_WORDS})\s+(?:jours?|semaines?|mois|ans|années|heures?|days?|weeks?|months?|"
    rf"years?|hours?)\b|\bdu\s+\d{{1,2}}(?:er)?\s+(?:au|et)\s+\d{{1,2}}(?:er)?\s+(?:{_MONTHS})|\bdurée\b",
    re.I,
)
_ORDINAL = re.compile(
    r"\b(deuxième|second|seconde|troisième|quatrième|cinquième|sixième|septième|huitième|neuvième|dixième|"
    r"onzième|douzième|treizième|quatorzième|quinzième|seizième|vingtième|"
    r"third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth)\b",
    re.I,
)
_ENGLISH_ORDINALS = {
    "second": "deuxième",
    "third": "troisième",
    "fourth": "quatrième",
    "fifth": "cinquième",
    "sixth": "sixième",
    "seventh": "septième",
    "eighth": "huitième",
    "ninth": "neuvième",
    "tenth": "dixième",
    "eleventh": "onzième",
    "twelfth": "douzième",
    "thirteenth": "treizième",
    "fourteenth": "quatorzième",
    "fifteenth": "quinzième",
}


@cache
def _country_names() -> re.Pattern[str]:
    text = resources.files("rag").joinpath("data/countries_fr.txt").read_text(encoding="utf-8")
    names = sorted((line for line in text.splitlines() if line and not line.startswith("#")), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(name).replace("’", "['’]") for name in names) + r")\b")


def asks_countries(question: str) -> bool:
    """Whether the question asks which States (countries, delegations, governments)."""
    return bool(_ASKS_COUNTRIES.search(question))


def countries_named(sentence: str) -> int:
    """How many States a sentence names."""
    return len(set(_country_names().findall(sentence)))


def asks_person(question: str) -> bool:
    """Whether the question asks for a person ("Qui présidait…", "Who was the Secretary-General…")."""
    return bool(_ASKS_PERSON.search(question))


def persons_named(sentence: str) -> bool:
    """Whether a sentence names a person."""
    if _SIGNED_OR_TITLED.search(sentence):
        return True
    vocabulary = glossary_french_words()
    return any(
        not any(word.lower() in vocabulary for word in run.group(0).split()) and countries_named(run.group(0)) == 0
        for run in _CAPITALISED_RUN.finditer(sentence)
    )


def quantities(text: str) -> set[str]:
    """The numbers of a text that can be quantities (not dates, years, symbols or references)."""
    rest = _NOT_A_QUANTITY.sub(" ", text)
    return set(re.findall(r"\b\d+(?:[  ,.]\d+)*\b", rest)) | {w.lower() for w in _QUANTITY_WORDS.findall(rest)}


def answers_the_type(question: str, sentence: str) -> bool:
    """Whether a sentence gives the kind of answer the question asks for.

    A "how long" question needs a duration (or the dates of its start and end), a "how many"
    question a quantity, a "when" question a date, neither already in the question; a "which
    country" question needs the name of a State, a "who chaired" one a person, a "which city" one a
    place ("à Vienne", "au Cap"). Other questions: yes.
    """
    if _EXPECTS_DURATION.search(question):
        return bool(_DURATION.search(sentence))
    if asks_person(question):  # before the date: "Who was the Secretary-General when…"
        return persons_named(sentence)
    if _ASKS_CITY.search(question) and not _PLACE_NAMED.search(sentence):
        return False
    if _EXPECTS_DATE.search(question):
        asked = set(re.findall(r"\d+", question))
        return any(not set(re.findall(r"\d+", m.group(0))) <= asked for m in _DATE.finditer(sentence))
    if _EXPECTS_NUMBER.search(question):
        return bool(quantities(sentence) - quantities(question))
    if asks_countries(question):
        return countries_named(sentence) > 0
    return True


def _rules_language(question: str) -> str:
    """``en`` or ``fr``: the rules read French and English questions (about French paragraphs), and
    one too short to tell as French."""
    return "en" if detect_language(question, default="fr") == "en" else "fr"


def _stems(text: str, language: str) -> set[str]:
    return set(tokenize([to_french_terms(text) if language == "en" else text], "fr")[0])


def specifics(question: str) -> tuple[set[str], set[str], list[tuple[str, set[str], set[str]]]]:
    """The years and the ordinals a question names (as stems), and each of its proper names
    with its stems read as French and the stems of its English-to-French translation."""
    years = set(_YEAR.findall(question))
    ordinals: set[str] = set()
    for ordinal in _ORDINAL.findall(question):
        ordinals |= _stems(_ENGLISH_ORDINALS.get(ordinal.lower(), ordinal), "fr")
    names = [(name, _stems(name, "fr") - years, _stems(name, "en") - years) for name in proper_names(question)]
    return years, ordinals, [(name, french, english) for name, french, english in names if french]


def _unknown(stems: set[str], known: Callable[[str], bool]) -> bool:
    """Most of the words of a name are words the corpus never uses."""
    return 2 * sum(not known(stem) for stem in stems) >= len(stems)


def unmentioned(
    question: str,
    known: Callable[[str], bool],
    last_turn: str | None = None,
    uses_word: Callable[[str], bool] | None = None,
    language: str | None = None,
) -> str | None:
    """What the question asks about that the corpus never mentions, as the question says it: a
    name most of whose words no paragraph uses ("la Fédération de Russie", "the Budapest
    Convention"), or a focus none of whose words it uses ("What **penalty**…?", "Dans quel
    **hôtel**…?"); ``None`` when the corpus mentions all it names.

    Args:
        question: the standalone question, French or English.
        known: whether the corpus uses a stem.
        last_turn: the user's last turn, when ``question`` merges it with earlier ones: the
            focus (``rag.answering.focus``) is the last turn's.
        uses_word: whether the corpus uses a word as it is written; an English word of the focus
            the glossary does not translate is then known only when the documents use it as such.
        language: that of the last turn (``fr`` or ``en``); told from it when not given.
    """
    for name, french, english in specifics(question)[2]:
        if _unknown(french, known) and _unknown(english, known):
            return name
    asked = last_turn or question
    language = language or _rules_language(asked)
    for focus in question_focus(asked, language, uses_word) + yes_no_topic(asked, language, uses_word):
        if not any(known(stem) for stem in focus.stems):
            return focus.words
    return None


def unaddressed(
    question: str, paragraphs: list[str], uses_word: Callable[[str], bool] | None = None, language: str | None = None
) -> str | None:
    """The focus of the question (``rag.answering.focus``) when none of the paragraphs found speaks of it, in
    the question's words or in a word the glossary gives for it ("attaque" or "attentat"); ``None``
    when they all do, or when the question has no focus.

    Args:
        question: the user's last turn, French or English.
        paragraphs: the texts retrieved to answer it (with their citations).
        uses_word: as for ``unmentioned``.
        language: as for ``unmentioned``.
    """
    words = [set(tokens) for tokens in tokenize(paragraphs, "fr")] if paragraphs else []
    for focus in question_focus(question, language or _rules_language(question), uses_word):
        if not any(focus.alternatives & found for found in words):
            return focus.words
    return None


def requirement(question: str) -> Callable[[str], bool]:
    """A test of whether a paragraph (its text and citation) can answer the question: it must
    contain one of the years the question names (a question may compare documents of two
    years) and every ordinal."""
    years, ordinals, _ = specifics(question)

    def meets(text: str) -> bool:
        words = set(tokenize([text], "fr")[0])
        return (not years or bool(years & words)) and ordinals <= words

    return meets
