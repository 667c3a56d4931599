"""The default answerer: exact sentences of the retrieved paragraphs, quoted and cited.

It needs no language model. Each retrieved paragraph is cut into sentences (and
the clauses UN texts separate with semicolons); a sentence scores by how much of
the question's informative vocabulary (idf-weighted stems, in the paragraph's
language) it contains, the words of its citation and of a label heading its
paragraph counting a quarter. The best sentences, up to three and from more than
one paragraph when the answer is spread over several, are quoted, each with its
marker. A question in a language the paragraphs cannot be read in lexically shares
little more than numbers and names with them: its three sentences are then those of
the best two paragraphs whose embeddings are nearest the question's (without an
embedding model, the best paragraph is quoted from its start). A paragraph that
introduces a list with a colon is quoted with its lettered sub-paragraphs.

It abstains when the evidence does not support an answer (``rag.answering.abstention``: a
calibrated decision over the support the paragraphs give, their similarity to the
question and the specifics they share with it), and, for French and English questions
about French paragraphs, when the question names something the documents never
mention or no paragraph meets what the question requires (``rag.answering.constraints``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Protocol

from rag.answering.abstention import Calibrations, decide, evidence_features
from rag.answering.answer import Answer, Citation
from rag.answering.constraints import (
    answers_the_type,
    asks_countries,
    countries_named,
    requirement,
    unaddressed,
    unmentioned,
)
from rag.answering.focus import is_yes_no
from rag.answering.sentences import clauses
from rag.indexing.index import Entry
from rag.indexing.lexical import bridged, read_as, tokenize, tokenize_each
from rag.ingest.textfix import fold
from rag.languages.messages import message, quotes_intro
from rag.search.retrieve import Hit

# An answer quotes at most three sentences, each scoring at least half the best one's score;
# a sentence of another paragraph is taken even when it repeats the question's words
# (answers spread over two paragraphs) if it is about the same thing, one of the same
# paragraph only if it adds some of the question's words.
_MAX_QUOTES = 3
_RELATIVE = 0.5
_SAME_TOPIC = 0.8  # another paragraph's sentence must cover 80 % of what the best one covers (idf mass)
_RANK_PENALTY = 0.3  # a sentence's score is divided by 1 + 0.3 × its paragraph's rank
_EARLIER_TURNS = 0.25  # in a follow-up, a word of the earlier turns only counts a quarter
# In another language than the paragraphs', sentences are chosen among those of the best two paragraphs
# by the cosine of their embedding with the question's, less 0.01 for the second paragraph's.
_SIMILAR_PARAGRAPHS = 2
_SIMILAR_RANK_PENALTY = 0.01
_MAX_ITEMS = 8  # sub-paragraphs quoted after the paragraph that introduces them
_INTRODUCES_LIST = (":", "：")
_LABELLED_WORDS = 4  # a label heads a paragraph of at least four words after it
_LEAD_LABEL = re.compile(r"^(?:[^:.;«»]{2,100}? : )+")
# A question about a reference is answered by the footnote the quoted paragraph calls ("Sous quelle cote…").
_ASKS_REFERENCE = re.compile(
    r"\b(?:notes?|footnotes?|renvoi\w*|renvoie\w*|cotes?|symboles?|symbols?|références?|references?|"
    r"publiée?s?|published|publication|numéro de vente|sales number)\b",
    re.IGNORECASE,
)
# "Qui l'a transmise ?", "Who sent the letter?": the answer is the signature of the covering letter.
_ASKS_SENDER = re.compile(
    r"^\W*(?:(?:et|mais)\s+)?(?:par\s+)?qui\b.*\b(?:transm|envoy|adress|communiqu|sign)\w*|"
    r"^\W*(?:(?:and|but)\s+)?(?:by\s+)?whom?\b.*\b(?:sent|transmitted|forwarded|submitted|addressed|signed)\b",
    re.IGNORECASE,
)
# A paragraph that opens with one of these goes on with the one before it ("De plus, le Gouvernement…").
_CONTINUES = re.compile(r"^(?:De plus|En outre|Par ailleurs|De même|En particulier|Furthermore|Moreover|In addition)\b")


class Vocabulary:
    """Inverse document frequency of stems over the indexed paragraphs (each stemmed in its
    language), and the words they use as written (lowercased, without accents)."""

    def __init__(self, entries: tuple[Entry, ...] | list[Entry]) -> None:
        counts: Counter[str] = Counter()
        for tokens in tokenize_each([e.text for e in entries], [e.language for e in entries]) if entries else []:
            counts.update(set(tokens))
        self.size = max(1, len(entries))
        self.idf = {token: math.log((self.size + 1) / (count + 0.5)) for token, count in counts.items()}
        self.unknown = math.log((self.size + 1) / 0.5)
        self.average = sum(self.idf.values()) / len(self.idf) if self.idf else self.unknown
        self.words = frozenset(re.findall(r"[\w-]+", fold(" ".join(entry.text for entry in entries))))

    def knows(self, stem: str) -> bool:
        """Whether a paragraph uses a stem."""
        return stem in self.idf

    def uses_word(self, word: str) -> bool:
        """Whether a paragraph uses a word as it is written ("services", not "fine" for "fin")."""
        return fold(word) in self.words

    def weight(self, token: str) -> float:
        """Idf of a stem; a stem no paragraph uses (a word of an English question the glossary
        of the documents' vocabulary does not translate, too) weighs the most."""
        return self.idf.get(token, self.unknown)


# Words that shape a question without saying what it is about ("Quelles mesures le Plan doit-il…").
_QUESTION_WORDS = (
    "quel quelle quels quelles lequel laquelle lesquels lesquelles quoi comment pourquoi combien où quand "
    "elles leurs dont celui celle ceux celles cet cette ceci cela selon doit doivent peut peuvent dit disent "
    "fait font paragraphe paragraphes paragraph alinéa alinéas"
)


@cache
def _question_stems(language: str) -> frozenset[str]:
    return frozenset(tokenize([_QUESTION_WORDS], language)[0])


def question_terms(question: str, language: str, target: str) -> frozenset[str]:
    """The stems of a question as paragraphs in the ``target`` language are searched for it
    (``lexical.read_as``: an English question read by French paragraphs goes through the
    glossary first), without its interrogative and modal words."""
    return frozenset(tokenize([read_as(question, language, target)], target)[0]) - _question_stems(target)


def sentences(text: str, language: str) -> list[str]:
    """Sentences and semicolon clauses of a paragraph, each an exact substring of it."""
    return clauses(text, language)


@dataclass(frozen=True)
class Support:
    """How well retrieval supports an answer: the share of the question's idf mass that the best
    retrieved paragraph contains (0 to 1), and the question's stems as read in the language of each
    retrieved paragraph."""

    value: float
    terms: dict[str, frozenset[str]]

    def of(self, hit: Hit) -> frozenset[str]:
        """The question's stems as read in the language of a paragraph."""
        return self.terms.get(hit.entry.language, frozenset())


def _mass(terms: set[str] | frozenset[str], vocabulary: Vocabulary, own: frozenset[str] | None) -> float:
    """The idf mass of question words; in a follow-up (``own``: the words of its last turn), a word
    of the earlier turns only counts a quarter."""
    return sum(vocabulary.weight(term) * (1.0 if own is None or term in own else _EARLIER_TURNS) for term in terms)


def support(
    question: str,
    language: str,
    hits: list[Hit],
    tokens: list[set[str]],
    vocabulary: Vocabulary,
    own: frozenset[str] | None = None,
) -> Support:
    """The support the best of the retrieved paragraphs gives the question.

    Args:
        tokens: the stems of each retrieved paragraph, in its language.
        own: in a follow-up, the words of its last turn: the words of the earlier turns count a quarter.
    """
    terms = {target: question_terms(question, language, target) for target in {hit.entry.language for hit in hits}}
    best = 0.0
    for hit, found in zip(hits, tokens, strict=True):
        asked = terms[hit.entry.language]
        total = _mass(asked, vocabulary, own)
        if total:
            best = max(best, _mass(asked & found, vocabulary, own) / total)
    return Support(best, terms)


def evidence(
    question: str, language: str, hits: list[Hit], vocabulary: Vocabulary, last_turn: str | None = None
) -> tuple[Support, frozenset[str] | None, dict[str, float]]:
    """What the retrieved paragraphs give the question: its support, the stems of its last turn (in
    a follow-up, whose earlier turns count a quarter; None otherwise), and the features the
    abstention decision weighs (``rag.answering.abstention``)."""
    tokens = [set(tokenize([hit.entry.text], hit.entry.language)[0]) for hit in hits]
    # a follow-up is answered by what it asks itself ("Et sur les mouvements de terroristes ?"), in the
    # context of the earlier turns
    targets = {hit.entry.language for hit in hits}
    asked = last_turn or question
    own = frozenset().union(*(question_terms(asked, language, t) for t in targets)) if last_turn else None
    found = support(question, language, hits, tokens, vocabulary, own)
    features = evidence_features(question, language, hits, found.value)
    # over the paragraphs in the best one's language: how much of the question no paragraph of the corpus
    # uses, and how much the retrieved paragraphs together cover
    terms = found.of(hits[0]) if hits else frozenset()
    total = _mass(terms, vocabulary, own)
    together = set().union(
        *(t for hit, t in zip(hits, tokens, strict=True) if hit.entry.language == hits[0].entry.language)
    )
    unknown = frozenset(term for term in terms if not vocabulary.knows(term))
    features["unknown"] = _mass(unknown, vocabulary, own) / total if total else 1.0
    features["covered"] = _mass(terms & together, vocabulary, own) / total if total else 0.0
    return found, own, features


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved paragraph, scored against the question."""

    score: float
    rank: int  # of its paragraph in the retrieval results
    sentence: str
    matched: frozenset[str]  # question stems in the sentence
    about: frozenset[str]  # question stems in the sentence, its citation and its paragraph's label


def extractive_answer(
    question: str,
    language: str,
    hits: list[Hit],
    vocabulary: Vocabulary,
    calibration: Calibrations,
    last_turn: str | None = None,
    related: Related | None = None,
    question_rules: bool = True,
) -> Answer:
    """Quote the sentences that answer the question, or abstain.

    Args:
        question: the standalone question.
        language: the question's, for the fixed wording.
        hits: retrieved paragraphs, best first.
        vocabulary: idf of the index.
        calibration: the decision to answer, answer with weak support or abstain (``rag.answering.abstention``).
        last_turn: the user's last turn, when ``question`` merges it with earlier ones: the
            kind of answer wanted (a date, a number, States) is the last turn's.
        related: the footnotes an indexed paragraph calls and the signature of its covering letter
            (the index): a note is quoted after the paragraph that calls it when the question asks
            for a reference or shares a telling word with it, the signature when it asks who sent it.
        question_rules: apply the rules on French and English questions' forms where they apply
            (``has_question_rules``); off, only the calibrated decision abstains.
    """
    asked = last_turn or question
    found, own, features = evidence(question, language, hits, vocabulary, last_turn)
    decision = decide(calibration, features)
    if decision.verdict == "abstain" and hits and hits[0].cited:
        # the paragraph the question designates by its number or mark exists: it is shown, marked as weak
        decision = replace(decision, verdict="weak")
    # the question rules run first: when they abstain, they say what the documents do not speak of
    answer = _answer(question, language, hits, vocabulary, found, own, asked, related, question_rules)
    if decision.verdict == "abstain" and not answer.abstained:
        answer = _abstain(question, language)
    answer.confidence = decision.probability
    if decision.verdict == "weak" and not answer.abstained:
        answer.weak_support = True
        answer.notice = message("weak_support", language)
    return answer


def _answer(
    question: str,
    language: str,
    hits: list[Hit],
    vocabulary: Vocabulary,
    found: Support,
    own: frozenset[str] | None,
    asked: str,
    related: Related | None,
    question_rules: bool,
) -> Answer:
    """The quotes that answer a question the evidence supports, or an abstention by the question rules."""
    if hits and hits[0].cited:  # "que dit le paragraphe 16 ?": quote the paragraph designated
        return _quote_best(hits, language, question, related)
    texts = [f"{hit.entry.text} {hit.entry.citation} {hit.entry.doc_title} {hit.entry.doc_date or ''}" for hit in hits]
    rules = question_rules and has_question_rules(language, hits)
    meets: Callable[[str], bool] = lambda text: True  # noqa: E731
    if rules:
        missing = unmentioned(question, vocabulary.knows, asked, vocabulary.uses_word, language)
        if missing:  # it names something the documents never mention
            return _abstain(question, language, missing)
        # a yes/no question's year or ordinal is a claim to check, not a filter ("…scheduled for 2002?")
        meets = requirement(question) if not is_yes_no(asked, language) else meets
        missing = unaddressed(asked, texts, vocabulary.uses_word, language)
        if missing:  # the paragraphs found do not speak of what it asks about
            return _abstain(question, language, missing, "unaddressed")

    def mass(terms: frozenset[str]) -> float:
        return _mass(terms, vocabulary, own)

    candidates = []
    for rank, hit in enumerate(hits):
        if meets(texts[rank]):
            candidates += _candidates(asked, found.of(hit), rank, hit, mass, vocabulary.average, rules)
    candidates.sort(key=lambda candidate: -candidate.score)
    # Only the best sentences count; a "when" or "how many" question needs a date or a number in them.
    best = candidates[0].score if candidates else 0.0
    candidates = [
        c for c in candidates if c.score >= _RELATIVE * best and (not rules or answers_the_type(asked, c.sentence))
    ]
    other_language = bool(hits) and not bridged(language, hits[0].entry.language)
    if other_language and (similar := _most_similar(asked, hits, related)):
        # a question in a language the paragraphs cannot be read in lexically shares little more than
        # numbers and names with them: its sentences are the ones whose embedding is nearest
        chosen = similar
    elif other_language and not candidates:
        # no embedding to compare sentences with: the embedding found the best paragraph, quoted from its
        # start (whether to answer is the calibrated decision's)
        return _quote_best(hits, language, question, related)
    elif not candidates:
        return _abstain(question, language)
    else:
        chosen = _best_sentences(candidates, mass)
    chosen += _continuations(chosen, hits)
    if related is not None:
        hits, added = _related_paragraphs(asked, found, chosen, hits, related, vocabulary)
        chosen += added
    chosen.sort(key=_reading_order(chosen, hits))
    return _quote([(c.rank, c.sentence) for c in chosen], hits, language, question)


def _reading_order(chosen: list[Candidate], hits: list[Hit]) -> Callable[[Candidate], tuple[int, int, int]]:
    """The order quotes are given in: by their paragraph's rank, and a sub-paragraph right after the
    paragraph that introduces it ("…tengan acceso a:" then "a) Alojamiento seguro…"), in the text's order."""
    rank_of: dict[str, int] = {}
    for c in chosen:
        para_id = hits[c.rank].entry.para_id
        rank_of[para_id] = min(rank_of.get(para_id, c.rank), c.rank)

    def key(c: Candidate) -> tuple[int, int, int]:
        entry = hits[c.rank].entry
        anchor = min(rank_of.get(entry.para_id.rpartition("-")[0], c.rank), c.rank)
        return anchor, entry.lines[0], entry.text.find(c.sentence)

    return key


def _best_sentences(candidates: list[Candidate], mass: Callable[[frozenset[str]], float]) -> list[Candidate]:
    """The best sentence, and up to two more that add some of the question's words or, in another
    paragraph, are about what the best one is about ("la lettre de la Turquie")."""
    chosen = [candidates[0]]
    covered = set(candidates[0].matched)
    for candidate in candidates[1:]:
        if len(chosen) == _MAX_QUOTES:
            break
        same_topic = mass(candidates[0].about & candidate.about) >= _SAME_TOPIC * mass(candidates[0].about)
        if candidate.matched - covered or (same_topic and all(candidate.rank != c.rank for c in chosen)):
            chosen.append(candidate)
            covered |= candidate.matched
    return chosen


def _most_similar(question: str, hits: list[Hit], related: Related | None) -> list[Candidate]:
    """The three sentences of the best two paragraphs whose embeddings are nearest the question's (none
    without an embedding model: ``Related.similarities`` gives None)."""
    pool = [
        (rank, sentence)
        for rank, hit in enumerate(hits[:_SIMILAR_PARAGRAPHS])
        for sentence in sentences(hit.entry.text, hit.entry.language)
    ]
    scores = related.similarities(question, [sentence for _, sentence in pool]) if related and pool else None
    if scores is None:
        return []
    scored = sorted(
        (
            Candidate(score - _SIMILAR_RANK_PENALTY * rank, rank, sentence, frozenset(), frozenset())
            for (rank, sentence), score in zip(pool, scores, strict=True)
        ),
        key=lambda candidate: -candidate.score,
    )
    return scored[:_MAX_QUOTES]


def _continuations(chosen: list[Candidate], hits: list[Hit]) -> list[Candidate]:
    """The first sentence of each retrieved paragraph that goes on with a quoted one: it follows it in
    the same section and opens with "De plus", "En outre"… (what the statement adds)."""
    quoted = [hits[c.rank].entry for c in chosen]
    quoted_ranks = {c.rank for c in chosen}
    found = []
    for rank, hit in enumerate(hits):
        entry = hit.entry
        if rank in quoted_ranks or not _CONTINUES.match(entry.text):
            continue
        if any(
            (before.doc_id, before.section) == (entry.doc_id, entry.section)
            and 0 < entry.lines[0] - before.lines[1] <= 2
            for before in quoted
        ):
            found.append(Candidate(0.0, rank, sentences(entry.text, entry.language)[0], frozenset(), frozenset()))
    return found


class Related(Protocol):
    """The paragraphs an indexed paragraph points to (``rag.search.retrieve.ParagraphIndex`` is one)."""

    def notes_called(self, entry: Entry) -> list[Entry]: ...

    def items(self, entry: Entry) -> list[Entry]: ...

    def similarities(self, question: str, texts: list[str]) -> list[float] | None: ...

    def signatures(self, entry: Entry) -> list[Entry]: ...


def _related_paragraphs(
    question: str,
    found: Support,
    chosen: list[Candidate],
    hits: list[Hit],
    related: Related,
    vocabulary: Vocabulary,
) -> tuple[list[Hit], list[Candidate]]:
    """What the quoted paragraphs point to and the question asks for: the sub-paragraphs of one that
    introduces a list ("…tengan acceso, …, a:" is followed by "a) Alojamiento seguro…", "b) …"); the
    footnotes they call, when it asks for a reference ("Sous quelle cote…", "À quel document renvoie la
    note…") or shares a word rarer than average with the note; the signature of their covering letter,
    when it asks who sent or signed it ("Qui l'a transmise ?"). Returns the hits with those paragraphs
    added after them, and a candidate quoting each whole."""
    wants_reference = bool(_ASKS_REFERENCE.search(question))
    wants_sender = bool(_ASKS_SENDER.search(question))
    ranks = list(dict.fromkeys(c.rank for c in chosen))  # the quoted paragraphs, best first
    quoted = {hits[rank].entry.para_id for rank in ranks}
    added: list[Hit] = []
    for rank in ranks:
        added += _list_items(hits[rank].entry, related, quoted)
        for note in related.notes_called(hits[rank].entry):
            shared = found.terms.get(note.language, frozenset()) & set(tokenize([note.text], note.language)[0])
            telling = {t for t in shared if vocabulary.weight(t) > vocabulary.average}
            if note.para_id not in quoted and (wants_reference or telling):
                quoted.add(note.para_id)
                added.append(Hit(note, 0.0))
    # the letter of the first quoted paragraph that has one, else of the best paragraph found that has one
    in_order = [*ranks, *range(len(hits))]
    signed = next((s for rank in in_order if (s := related.signatures(hits[rank].entry))), []) if wants_sender else []
    if signed and not quoted & {signature.para_id for signature in signed}:
        added.append(Hit(signed[0], 0.0))
    found = [Candidate(0.0, len(hits) + i, hit.entry.text, frozenset(), frozenset()) for i, hit in enumerate(added)]
    return [*hits, *added], found


def _list_items(entry: Entry, related: Related, quoted: set[str]) -> list[Hit]:
    """The sub-paragraphs of a paragraph that introduces them with a colon, not yet quoted (added to ``quoted``)."""
    if not entry.text.rstrip().endswith(_INTRODUCES_LIST):
        return []
    items = [item for item in related.items(entry)[:_MAX_ITEMS] if item.para_id not in quoted]
    quoted.update(item.para_id for item in items)
    return [Hit(item, 0.0) for item in items]


def has_question_rules(language: str, hits: list[Hit]) -> bool:
    """Whether the rules on the forms of questions (``rag.answering.constraints``, ``rag.answering.focus``) apply: they
    read French and English questions about French paragraphs, and are not used elsewhere."""
    return language in ("fr", "en") and all(hit.entry.language == "fr" for hit in hits)


def _candidates(
    question: str,
    terms: frozenset[str],
    rank: int,
    hit: Hit,
    mass: Callable[[frozenset[str]], float],
    average: float,
    rules: bool,
) -> list[Candidate]:
    """The sentences of one retrieved paragraph, scored: the idf mass of the question's words they
    contain, plus a quarter of that of the words of the citation ("lettre de la Turquie") and of a label
    heading the paragraph ("Représentant pour la liberté des médias :"), divided by the rank penalty."""
    text = hit.entry.text
    label = _LEAD_LABEL.match(text)
    if label and len(text[label.end() :].split()) < _LABELLED_WORDS:
        label = None  # "numéro de vente : F.04.V.7.": a field and its value, not a label heading a paragraph
    language = hit.entry.language
    context = terms & frozenset(tokenize([f"{hit.entry.citation} {label.group(0) if label else ''}"], language)[0])
    found = []
    for sentence in sentences(text, language):
        own = sentence[label.end() :] if label and text.startswith(sentence) else sentence
        matched = terms & frozenset(tokenize([own], language)[0])
        weight = mass(matched) + 0.25 * mass(context - matched)
        if rules and asks_countries(question):
            weight += min(countries_named(sentence), 10) * average / 2
        score = weight / (1 + _RANK_PENALTY * rank)
        if score > 0:
            found.append(Candidate(score, rank, sentence, matched, matched | context))
    return found


def _abstain(question: str, language: str, missing: str | None = None, reason: str = "unmentioned") -> Answer:
    """The answer that the documents do not answer, saying what they do not speak of when that is why."""
    text = message("abstain", language)
    if missing:
        text += " " + message(reason, language).format(missing)
    return Answer(text=text, abstained=True, language=language, standalone_question=question)


def _quote_best(hits: list[Hit], language: str, question: str, related: Related | None) -> Answer:
    """The answer quoting the best paragraph from its start (up to three sentences), and the
    sub-paragraphs it introduces."""
    quotes = [(0, part) for part in sentences(hits[0].entry.text, hits[0].entry.language)[:_MAX_QUOTES]]
    if related is not None:
        items = _list_items(hits[0].entry, related, {hit.entry.para_id for hit in hits[:1]})
        quotes += [(len(hits) + i, item.entry.text) for i, item in enumerate(items)]
        hits = [*hits, *items]
    return _quote(quotes, hits, language, question)


def _quote(chosen: list[tuple[int, str]], hits: list[Hit], language: str, question: str) -> Answer:
    """The answer quoting ``(hit rank, sentence)`` pairs, each with its marker."""
    citations: list[Citation] = []
    lines = [quotes_intro(language, [hits[rank].entry.language for rank, _ in chosen]), ""]
    quoted: list[tuple[str, str]] = []  # (paragraph, quote) already given
    for rank, sentence in chosen:
        entry = hits[rank].entry
        if any(para_id == entry.para_id and sentence in quote for para_id, quote in quoted):
            continue  # a short sentence before it was quoted with it (``_at_least_a_clause``)
        sentence = _at_least_a_clause(sentence, entry.text, entry.language)
        quoted.append((entry.para_id, sentence))
        marker = next((c.marker for c in citations if c.para_id == entry.para_id), len(citations) + 1)
        if marker > len(citations):
            citations.append(citation_for(entry, marker, sentence))
        lines.append(f"« {sentence} » [{marker}]")
    return Answer(text="\n".join(lines), citations=citations, language=language, standalone_question=question)


def _at_least_a_clause(sentence: str, text: str, language: str, minimum_words: int = 8) -> str:
    """A very short sentence (a heading inside a paragraph) is quoted with the one after it."""
    if len(sentence.split()) >= minimum_words:
        return sentence
    parts = sentences(text, language)
    if sentence not in parts or parts.index(sentence) + 1 >= len(parts):
        return sentence
    following = parts[parts.index(sentence) + 1]
    start = text.find(sentence)
    return text[start : text.find(following, start + len(sentence)) + len(following)]


def citation_for(entry: Entry, marker: int, quote: str) -> Citation:
    """A citation of an indexed paragraph with the exact text that supports the statement."""
    return Citation(
        marker=marker,
        para_id=entry.para_id,
        citation=entry.citation,
        quote=quote,
        source=entry.source,
        lines=entry.lines,
        text=entry.text,
        pages=entry.pages,
        doc_title=entry.doc_title,
        letter=entry.letter,
        section=entry.section,
        paragraph=entry.paragraph,
    )
