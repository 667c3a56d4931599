"""The focus of a question: the noun phrase its interrogative word asks about.

"Quelle **peine** la Déclaration prévoit-elle… ?", "What **street address**…?",
"Dans quel **hôtel**… ?": when no document ever uses a word of the focus, the documents
do not speak of what is asked, however many of the question's other words they share
(the date, the place, the document named). The focus is read by rule, without a
language model:

- French: the words after ``quel / quelle / quels / quelles`` (or ``combien de``),
  past ``est le / sont les``, up to the first grammatical word or verb;
- English: the words after ``what / which`` (or ``how many``), past ``is the``, up to
  the first grammatical word or verb, put into French with the glossary.

Some nouns name the *class* or the *role* of the answer rather than what it is about:
the documents give a city, not the word "ville"; a title, not the word "intitulé";
"le racisme, la xénophobie", not "formes d'intolérance" (``_ANSWER_CLASS_NOUNS``).
A focus headed by such a noun asks nothing of the documents' words; the kind of
answer it asks for (a date, a quantity, a State) is checked in ``rag.answering.constraints``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from rag.indexing.bm25s_import import bm25s
from rag.indexing.lexical import tokenize
from rag.ingest.textfix import fold
from rag.languages.language import french_equivalents, glossary_terms

_ANSWER_CLASS_NOUNS = {
    "fr": (
        # role, purpose, name, kind, manner, content
        "objet objets objectif objectifs but buts rôle rôles fonction fonctions finalité intention "
        "nom noms intitulé intitulés titre titres libellé cote cotes symbole symboles numéro numéros référence "
        "références type types sorte sortes genre genres nature forme formes catégorie catégories "
        "moyen moyens manière façon raison raisons motif motifs méthode méthodes "
        "voie voies canal canaux relais vecteur vecteurs biais intermédiaire "
        "contenu teneur sujet sujets thème thèmes question questions point points aspect aspects élément éléments "
        "domaine domaines secteur secteurs branche branches partie parties mesure mesures action actions "
        "événement événements manifestation manifestations qualité qualités caractéristique caractéristiques "
        "outil outils instrument instruments mécanisme mécanismes dispositif dispositifs document documents "
        "texte textes "
        # when, where, how much
        "occasion date dates année années jour jours mois période échéance échéances délai délais "
        "ville villes lieu lieux endroit pays région "
        "régions état états montant montants nombre somme sommes pourcentage chiffre chiffres quantité "
        # who
        "organisation organisations organisme organismes institution institutions organe organes entité entités "
        "instance instances acteur acteurs partenaire partenaires personne personnes délégation délégations "
        "gouvernement gouvernements"
    ),
    "en": (
        "purpose purposes aim aims goal goals objective objectives role roles function functions intention "
        "name names title titles heading headings symbol symbols number numbers reference references "
        "type types kind kinds sort sorts nature form forms category categories "
        "means way ways manner reason reasons method methods channel channels avenue avenues vehicle vehicles "
        "content contents subject subjects topic topics issue issues point points aspect aspects element elements "
        "area areas field fields sector sectors branch branches part parts extent degree "
        "measure measures action actions "
        "step steps event events quality qualities characteristic characteristics feature features "
        "tool tools instrument instruments mechanism mechanisms document documents text texts "
        "occasion date dates year years day days month months period deadline deadlines time "
        "city cities place places country countries "
        "region regions state states amount amounts sum sums percentage figure figures quantity "
        "organisation organisations organization organizations body bodies institution institutions entity "
        "entities actor actors partner partners person persons people delegation delegations "
        "government governments"
    ),
}
_FRENCH = re.compile(
    r"\b(?:quel(?:le)?s?|combien\s+d(?:e\s+|['’]))\s*"
    r"(?:(?:est|sont|était|étaient|serait|seraient|fut|furent)\s+(?:le|la|les|l['’]|un|une|des)\s*)?"
    r"(?P<phrase>(?:(?!\bquel|\bcombien\b)[^?!.;,])*)",
    re.IGNORECASE,
)
_ENGLISH = re.compile(
    r"\b(?:what|which|how\s+(?:many|much))\s+"
    r"(?:(?:is|are|was|were)\s+(?:the|a|an)\s+)?"
    r"(?P<phrase>(?:(?!\b(?:what|which|how)\b)[^?!.;,])*)",
    re.IGNORECASE,
)
# A verb with its subject pronoun after a hyphen ("fait-il", "entend-elle") ends a French phrase.
_INVERTED_VERB = re.compile(r"-(?:t-)?(?:il|elle|ils|elles|on)$", re.IGNORECASE)
_ENDS = {
    "fr": frozenset(bm25s.stopwords.STOPWORDS_FRENCH)
    | {"a", "doit", "doivent", "peut", "peuvent", "fait", "font", "faut", "selon", "dont", "entre", "après", "avant"}
    | {"contre", "vers", "l'", "d'", "s'", "qu'", "n'"},
    "en": frozenset(bm25s.stopwords.STOPWORDS_EN_PLUS)
    | {"did", "does", "do", "must", "might", "may", "can", "could", "would", "within"},
}
_MAX_WORDS = 3
_ENGLISH_MARK = "@en"  # ends an English word kept as it is among French stems


@cache
def _class_nouns(language: str) -> frozenset[str]:
    return frozenset(fold(_ANSWER_CLASS_NOUNS[language]).split())


def _ends_phrase(word: str, language: str) -> bool:
    lowered = word.lower()
    if lowered in _ENDS[language]:
        return True
    if language == "fr":
        return bool(_INVERTED_VERB.search(word))
    return lowered.endswith(("ly", "ed"))  # an adverb or a verb ("exactly", "proposed")


def _phrase(words: list[str], language: str) -> list[str]:
    """The focus words at the start of ``words``: a noun phrase of at most three words, or none
    when its head names the class of the answer ("l'objectif affiché", "the sales number")."""
    run: list[str] = []
    for word in words[:_MAX_WORDS]:
        if _ends_phrase(word, language):
            break
        run.append(word)
    if not run:
        return []
    head = run[0] if language == "fr" else run[-1]
    classes = _class_nouns(language)
    return [] if fold(head) in classes else [word for word in run if fold(word) not in classes]


# What may stand between the start of a clause and its interrogative: a preposition ("Dans quelle",
# "For which"); more words there make "which" a relative pronoun ("the ways in which").
_CLAUSE_START = re.compile(r"(?:^|[,;:]|\b(?:and|et)\b)\s*(?:[\w']+\s+)?$", re.IGNORECASE)


def _asks(before: str) -> bool:
    """Whether an interrogative preceded by ``before`` opens a question (not a relative clause)."""
    return bool(_CLAUSE_START.search(before.replace("’", "'")))


def _phrases(question: str, language: str) -> list[list[str]]:
    """The focus words after each interrogative of a question."""
    pattern = _ENGLISH if language == "en" else _FRENCH
    runs = []
    for match in pattern.finditer(question):
        if not _asks(question[: match.start()]):
            continue
        words = re.findall(r"[\w-]+'?", match.group("phrase").replace("’", "'"))
        runs.append(_phrase(words, language))
    return runs


@dataclass(frozen=True)
class Focus:
    """What an interrogative asks about: its words as the question says them, and their French stems."""

    words: str
    stems: frozenset[str]
    # the stems with those of the words the glossary gives as equivalents ("attaque": attentat)
    alternatives: frozenset[str] = frozenset()


def question_focus(question: str, language: str, uses_word: Callable[[str], bool] | None = None) -> list[Focus]:
    """The focus of each interrogative of a question that asks about something; class nouns left out.

    Args:
        question: the question (the user's last turn).
        language: ``fr`` or ``en``; English words are put into French with the glossary.
        uses_word: whether the documents use a word as it is written: an English word the glossary
            does not translate stays English unless they do ("services" does, "fine" is not "fin").

    Returns:
        One focus per interrogative, with stems: when the documents use none of them, they do not
        answer the question.
    """
    found = []
    for run in _phrases(question, language):
        stems = frozenset(tokenize([" ".join(run)], "fr")[0]) if language == "fr" else _english_focus(run, uses_word)
        if stems:
            found.append(Focus(" ".join(run), stems, _alternatives(stems)))
    return found


@cache
def _equivalent_stems() -> dict[str, frozenset[str]]:
    """For each stem of the glossary's French side, the stems of the words given for the same English term."""
    equivalents: dict[str, set[str]] = {}
    for words in french_equivalents():
        stems = set(tokenize([" ".join(words)], "fr")[0])
        for stem in stems:
            equivalents.setdefault(stem, set()).update(stems)
    return {stem: frozenset(others) for stem, others in equivalents.items()}


def _alternatives(stems: frozenset[str]) -> frozenset[str]:
    """The stems with those of the words the glossary gives as their equivalents."""
    equivalents = _equivalent_stems()
    return stems.union(*(equivalents.get(stem, frozenset()) for stem in stems))


# A yes/no question: "La Déclaration **parle-t-elle** du changement climatique ?", "Est-ce que…",
# "Does the Declaration **mention** cybercrime?". What follows the verb is what it asks about.
_FRENCH_YES_NO = re.compile(
    r"^(?:(?!\b(?:quel\w*|qui|que|qu['’]|quoi|où|quand|comment|pourquoi|combien|lequel|laquelle|lesquel\w*)\b)"
    r"[^?])*?\b[\w’'-]+-(?:t-)?(?:il|elle|ils|elles|on)\b(?P<rest>[^?]*)"
    r"|^\s*est-ce\s+qu(?:e\s+|['’])(?P<said>[^?]*)",
    re.IGNORECASE,
)
_AUXILIARIES = r"(?:does|do|did|is|are|was|were|has|have|had|can|could|will|would|should|must)\b"
_ENGLISH_AUXILIARY = re.compile(rf"^\W*{_AUXILIARIES}", re.IGNORECASE)
_ENGLISH_YES_NO = re.compile(
    rf"^\W*{_AUXILIARIES}.*?\b(?:mentions?|address(?:es)?|"
    r"covers?|discuss(?:es)?|deals? with|refers? to|includes?|contains?|provides? for|sets? up|establish(?:es)?|"
    r"creates?|imposes?|calls? for|speaks? (?:of|about)|talks? about|say anything about|envisages?)\b"
    r"(?P<rest>[^?]*)",
    re.IGNORECASE,
)
_NUMBER_WORDS = frozenset(
    "deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize vingt trente quarante "
    "cinquante soixante cent cents mille".split()
)
_DETERMINERS = frozenset(
    "le la les l' un une des du de d' au aux à en sa son ses leur leurs ce cet cette ces tout toute tous toutes".split()
)
_ADJECTIVE_ENDINGS = (
    "ique", "iques", "aire", "aires", "el", "elle", "els", "elles", "al", "ale", "aux", "ales", "if", "ive",
    "ifs", "ives", "eux", "euse", "euses", "ien", "ienne", "iens", "iennes", "iste", "istes", "able", "ables",
    "ible", "ibles",
)  # fmt: skip


def is_yes_no(question: str, language: str) -> bool:
    """Whether a question asks yes or no ("Le Plan prévoit-il…", "Est-ce que…", "Does…", "Was…")."""
    if language == "en":
        return bool(_ENGLISH_AUXILIARY.match(question))
    return bool(_FRENCH_YES_NO.search(question.replace("’", "'")))


def yes_no_topic(question: str, language: str, uses_word: Callable[[str], bool] | None = None) -> list[Focus]:
    """The words a yes/no question asks about, each as a focus: in French the nouns after its verb (a
    word after a determiner or a preposition, and an adjective after it: "du **changement climatique**",
    "à l'**unanimité**"); in English the words after "mention", "address", "set up"… ("Does the
    Declaration mention **cybercrime**?"). None for a question that is not a yes/no one."""
    if language == "en":
        match = _ENGLISH_YES_NO.search(question)
        return _english_topic(match.group("rest"), uses_word) if match else []
    match = _FRENCH_YES_NO.search(question.replace("’", "'"))
    if not match:
        return []
    words = re.findall(r"[\w-]+'?", match.group("rest") or match.group("said") or "")
    nouns = []
    for before, word in zip(["", *words], words, strict=False):
        lowered = word.lower()
        if lowered in _ENDS["fr"] or lowered.endswith("'") or fold(word) in _NUMBER_WORDS or word.isdigit():
            continue
        # "de créer", "à réformer": a verb, not a noun
        infinitive = before.lower() in {"à", "de", "d'"} and lowered.endswith(("er", "ir", "re"))
        # after a determiner, a preposition or a number ("les douze conventions")
        quantity = fold(before) in _NUMBER_WORDS or before.isdigit()
        after_determiner = (before.lower() in _DETERMINERS or quantity) and not infinitive
        adjective = bool(nouns) and nouns[-1] == before and lowered.endswith(_ADJECTIVE_ENDINGS)
        if after_determiner or adjective:
            nouns.append(word)
    # a class noun ("une échéance", "le montant") names the kind of answer, which the documents say otherwise
    nouns = [word for word in nouns if fold(word) not in _class_nouns("fr")]
    return [Focus(word, stems, stems) for word in nouns if (stems := frozenset(tokenize([word], "fr")[0]))]


def _english_topic(phrase: str, uses_word: Callable[[str], bool] | None) -> list[Focus]:
    """The words of an English phrase the glossary does not translate (its terms are read whole: "rapid
    deployment capability"), each as a focus; class nouns and grammatical words left out."""
    untranslated = set(glossary_terms(phrase)[1])
    words = [
        word
        for word in re.findall(r"[\w-]+", phrase)
        if word.lower() in untranslated
        and word.isalpha()
        and word.lower() not in _ENDS["en"]
        and fold(word) not in _class_nouns("en")
    ]
    return [Focus(word, stems, stems) for word in words if (stems := _english_focus([word], uses_word))]


def _english_focus(run: list[str], uses_word: Callable[[str], bool] | None) -> frozenset[str]:
    """French stems of an English focus; a word the glossary does not translate and the documents
    do not use as written stays English ("fine" is not the French "fin"): no French stem stands for it.
    Names and numbers are kept as they are."""
    french, unknown = glossary_terms(" ".join(run))
    names = {word.lower() for word in run if word[:1].isupper()}
    kept = [word for word in unknown if word in names or not word.isalpha() or uses_word is None or uses_word(word)]
    english = {f"{word}{_ENGLISH_MARK}" for word in unknown if word not in kept}
    return frozenset(tokenize([" ".join([*french, *kept])], "fr")[0]) | english
