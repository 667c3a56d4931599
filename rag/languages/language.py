"""What language a text is in, each language's words (function words, numbers, stems), and English
questions put into French words (the optional glossary)."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import threading
from array import array
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import Stemmer
import stopwordsiso

from rag.indexing.bm25s_import import bm25s
from rag.ingest.textfix import fold

logger = logging.getLogger(__name__)

_ENGLISH = set(
    "the of and to in is are was were what which who whom whose when where why how does do did "
    "has have had be been by for with on about from that this these those it its an any there "
    "should shall would could can may must their they them than or not".split()
)
# Words that shape an English question about documents without saying what it is about
# ("According to the Plan, …", "What exactly does it mention…"); the French ones are left out
# in ``rag.answering.extractive``.
_ENGLISH_QUESTION_WORDS = set(
    "according accordance mention mentioned mentions describe described describes say says said tell tells "
    "called regarding concerning supposed expected exactly precisely specifically particular particularly also "
    "just only yet still within among whom whose besides outset refer refers referred relate relates cite cites "
    "cited quote quoted contain contains look looks might".split()
)


# The languages a text is identified among: the UN's six, and the other languages of Europe and
# Asia whose documents its staff read. Fewer candidates make short questions safer to identify.
LANGUAGES = (
    "ar", "zh", "en", "fr", "ru", "es", "de", "it", "pt", "nl", "pl", "uk", "tr", "el", "ja", "ko", "fa",
)  # fmt: skip
# Below this probability (py3langid's, normalised) a text is too short or too mixed to tell.
_CONFIDENT = 0.5
_SAMPLE = 5000  # characters read to tell a text's language: a long document's opening is enough


_LOADING = threading.Lock()


@cache
def language_model():
    """py3langid's identifier, restricted to ``LANGUAGES``: loaded once, whichever thread asks first (``preload``)."""
    with _LOADING:
        return _load_identifier()


# py3langid's model, as the identifier takes it: (array name, how it is passed) in the constructor's order.
_MODEL_PARTS = ("ptc", "pc", "classes", "nextmove", "output", "row")


@cache
def _load_identifier():
    from py3langid.langid import LanguageIdentifier

    ptc, pc, classes, nextmove, output, row = _model_arrays()
    identifier = LanguageIdentifier(
        ptc, pc, classes.tolist(), _stdlib_array(nextmove), output.tolist(), norm_probs=True, tk_row=_stdlib_array(row)
    )
    identifier.set_languages(list(LANGUAGES))
    return identifier


def _model_arrays() -> list[np.ndarray]:
    """py3langid's model arrays, memory-mapped from an unpacked copy made once in the model cache.

    The package ships them LZMA-compressed: unpacking takes 0.56 s of the 0.75 s a new process
    spends loading the identifier, every time. Without a writable cache they are unpacked each time.
    """
    import py3langid
    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import load_model

    from rag.indexing.models import default_export_dir

    folder = default_export_dir() / f"py3langid-{py3langid.__version__}"
    try:
        return [np.load(folder / f"{name}.npy", mmap_mode="r") for name in _MODEL_PARTS]
    except (OSError, ValueError):
        pass
    ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
    parts = [
        np.asarray(ptc),
        np.asarray(pc),
        np.asarray(classes),
        np.asarray(nextmove),
        np.asarray(output),
        np.asarray(row),
    ]
    staging: Path | None = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".py3langid-"))
        for name, part in zip(_MODEL_PARTS, parts, strict=True):
            np.save(staging / f"{name}.npy", part)
        os.replace(staging, folder)
    except OSError as error:  # another process unpacked it meanwhile, or the cache is read-only
        logger.debug("py3langid's model is not cached: %s", error)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return parts


def _stdlib_array(values: np.ndarray) -> array:
    """An unsigned integer array as the identifier walks it: a stdlib ``array``, as py3langid loads it."""
    out = array({2: "H", 4: "I", 8: "L"}[values.dtype.itemsize])
    out.frombytes(np.ascontiguousarray(values).tobytes())
    return out


def preload() -> None:
    """Load the language model in a background thread."""
    threading.Thread(target=language_model, name="rag-langid", daemon=True).start()


@lru_cache(maxsize=8192)
def identify(text: str) -> tuple[str, float]:
    """The likeliest language of a text (ISO 639-1, among ``LANGUAGES``) and its probability (py3langid).

    Runs of white space count as one space: how a file wraps its lines does not change the answer."""
    language, probability = language_model().classify(" ".join(text[: 2 * _SAMPLE].split())[:_SAMPLE])
    return language, float(probability)


def detect_language(text: str, default: str = "en") -> str:
    """The language of a text (ISO 639-1), or ``default`` when it is too short or mixed to tell
    ("Et 2002 ?", "OSCE")."""
    language, probability = identify(text)
    return language if probability >= _CONFIDENT else default


# Snowball stemmers (PyStemmer) by ISO 639-1 code; a language without one is compared unstemmed.
_STEMMERS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "fi": "finnish", "fr": "french", "hu": "hungarian", "id": "indonesian", "it": "italian",
    "nl": "dutch", "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sv": "swedish",
    "tr": "turkish",
}  # fmt: skip


@cache
def function_words(language: str) -> frozenset[str]:
    """The grammatical words of a language (stopwords-iso), folded; empty for a language it lacks."""
    return frozenset(fold(word) for word in stopwordsiso.stopwords(language))


@cache
def number_words(language: str) -> frozenset[str]:
    """The number words and ordinals of a language ("troisième", "third"), folded; empty when unknown."""
    text = resources.files("rag").joinpath("data/number_words.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        code, _, words = line.partition("\t")
        if code == language:
            return frozenset(fold(word) for word in words.split())
    return frozenset()


@cache
def _stemmer(language: str) -> Stemmer.Stemmer | None:
    return Stemmer.Stemmer(_STEMMERS[language]) if language in _STEMMERS else None


def stems(words: list[str], language: str) -> list[str]:
    """Words stemmed by the language's Snowball stemmer, then folded (accents and case removed)."""
    stemmer = _stemmer(language)
    lowered = [word.lower() for word in words]
    return [fold(stem) for stem in (stemmer.stemWords(lowered) if stemmer else lowered)]


@cache
def _glossary_entries() -> list[tuple[str, str]]:
    text = resources.files("rag").joinpath("data/glossary_en_fr.tsv").read_text(encoding="utf-8")
    return [tuple(line.split("\t")) for line in text.splitlines() if line and not line.startswith("#")]


@cache
def _glossary() -> list[tuple[re.Pattern[str], str]]:
    entries = sorted(_glossary_entries(), key=lambda entry: len(entry[0]), reverse=True)
    return [(re.compile(rf"(?<![\w-]){re.escape(en)}(?![\w-])"), fr) for en, fr in entries]


@cache
def glossary_french_words() -> frozenset[str]:
    """The words of the glossary's French side, lowercased: the documents' vocabulary of
    institutions, instruments, places and general terms (not the names of people)."""
    return frozenset(word.lower() for _, french in _glossary_entries() for word in re.findall(r"[\w’'-]+", french))


@cache
def french_equivalents() -> list[frozenset[str]]:
    """The French words the glossary gives for each one-word English term when they are words, not
    a phrase ("attack": attaques, attentat, attentats; not "timely": en temps voulu): words the
    documents may use for the same thing."""
    entries = _glossary_entries()
    groups = (set(re.findall(r"[\w’'-]+", french.lower())) for english, french in entries if " " not in english)
    french_stopwords = bm25s.stopwords.STOPWORDS_FRENCH
    return [frozenset(words) for words in groups if len(words) > 1 and words.isdisjoint(french_stopwords)]


@cache
def _glossary_by_french() -> list[tuple[str, frozenset[str] | None, frozenset[str]]]:
    """Each glossary entry as (French phrase, its alternative words or None, English words), folded.

    The French side of a one-word English term lists the words that may stand for it
    ("turkey": turquie turque); that of a phrase is a phrase ("security council": conseil de sécurité).
    """
    entries = []
    for english, french in _glossary_entries():
        words = frozenset(fold(french).split())
        alternatives = words if " " not in english and words.isdisjoint(function_words("fr")) else None
        english_words = frozenset(fold(english).replace("-", " ").split())
        entries.append((f" {fold(french).replace('-', ' ')} ", alternatives, english_words))
    return entries


@lru_cache(maxsize=4096)
def english_words_for(french_text: str) -> frozenset[str]:
    """The English words of the glossary terms a French text uses ("Conseil de sécurité" gives
    "security" and "council"; "Turquie" gives "turkey"), folded: what an English sentence
    may say of that text."""
    folded = " " + " ".join(re.findall(r"\w+", fold(french_text))) + " "
    present = set(folded.split())
    found: set[str] = set()
    for phrase, alternatives, english in _glossary_by_french():
        if phrase in folded or (alternatives is not None and not alternatives.isdisjoint(present)):
            found |= english
    return frozenset(found)


def glossary_terms(question: str) -> tuple[list[str], list[str]]:
    """The French equivalents of the English terms of a question, and the words the glossary does
    not know (names, numbers, and English words it lacks), lowercased, grammatical words left out.

    Terms come from a glossary of UN and OSCE usage (``rag/data/glossary_en_fr.tsv``), longest first.
    """
    text = question.lower().replace("’", "'")
    found: list[str] = []
    for pattern, french in _glossary():
        if pattern.search(text):
            found.append(french)
            text = pattern.sub(" ", text)
    rest = []
    for word in re.findall(r"[\w'/-]+", text):
        if word in _ENGLISH or word in _ENGLISH_QUESTION_WORDS or word in bm25s.stopwords.STOPWORDS_EN_PLUS:
            continue
        french = next((_words()[form] for form in _number_forms(word) if form in _words()), None)
        if french:  # the glossary has the word in the other number ("representative" / "representatives")
            found.append(french)
        elif "-" in word and any(part in _words() for part in word.split("-")):  # "UNODC-OSCE"
            found.extend(_words().get(part, part) for part in word.split("-"))
        else:
            rest.append(word)
    return found, rest


@cache
def _words() -> dict[str, str]:
    """The glossary's one-word English terms and their French equivalents."""
    return {en: fr for en, fr in _glossary_entries() if " " not in en}


def _number_forms(word: str) -> list[str]:
    """The plural or singular forms an English noun may take in the glossary."""
    if word.endswith("ies"):
        return [word[:-3] + "y"]
    if word.endswith("es"):
        return [word[:-2], word[:-1]]
    if word.endswith("s"):
        return [word[:-1]]
    return [word[:-1] + "ies", word + "s", word + "es"] if word.endswith("y") else [word + "s", word + "es"]


def french_terms(question: str) -> list[str]:
    """The English terms of a question replaced by their French equivalents (``glossary_terms``), one
    string per term; words the glossary does not know are kept (names and numbers match as they are)."""
    found, rest = glossary_terms(question)
    return [*found, *rest]


def to_french_terms(question: str) -> str:
    """``french_terms`` as one text."""
    return " ".join(french_terms(question))


# Capitalised words that do not open the text or a sentence, with "de"/"of"/"the" inside: proper names.
_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-ZÀ-Ý][\w’'-]+(?:\s+(?:de\s+|of\s+|the\s+)?[A-ZÀ-Ý][\w’'-]+)*)")


def proper_names(text: str) -> list[str]:
    """The proper names of a question ("la Fédération de Russie", "the Budapest Convention")."""
    return _NAME.findall(text.strip())
