"""How a question, in each language, points at a part of a document or leans on earlier turns.

One table per language, beside the documents' own layout words (``rag.languages.layout``) and the fixed
sentences (``rag.languages.messages``):

- references: the words for a paragraph, an unnumbered or preambular paragraph, a section, a
  note, the parts of a document (preamble, operative part, covering letter), a heading; written
  as patterns with ``{n}`` where the number goes, since languages put it on either side
  ("paragraphe 5", "fifth paragraph", "第5段"); and the ordinal words;
- the words by which staff name a kind of document ("plan d'action", "informe");
- follow-ups: the words that open a turn leaning on the one before ("Et…", "¿Y…", "А…") and
  the words that refer back to it (pronouns, demonstratives).

A question is read with every language's words, as documents are: "párrafo", "Absatz" and "пункт"
cannot be mistaken for anything else. Patterns are matched case-insensitively; a word boundary is
added around each, except in Chinese and Japanese, which have none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rag.languages.layout import LETTER, OPERATIVE, PREAMBLE


@dataclass(frozen=True)
class QuestionWords:
    """One language's question words (patterns; ``{n}`` is where a number goes)."""

    language: str
    paragraph: tuple[str, ...]
    alinea: tuple[str, ...]
    section: tuple[str, ...]  # with {n} where the Roman numeral goes
    note: tuple[str, ...]
    any_note: str
    title: str
    parts: dict[str, str]
    ordinals: tuple[str, ...]  # the words for first, second, third… (forms separated by spaces)
    kinds: dict[str, str]  # a document kind -> the words that name it, space-separated
    openers: str
    referring: str
    boundaries: bool = True  # words are delimited by spaces and punctuation
    ordinal_ending: str = ""  # what may follow a number written in digits ("5th", "5e", "5-й")


FRENCH = QuestionWords(
    language="fr",
    paragraph=(r"paragraphes? {n}", r"para\. ?{n}", r"§ ?{n}", r"{n} paragraphe"),
    alinea=(r"alinéas? {n}", r"{n} alinéa"),
    section=(r"(?:section|partie|chapitre) {n}",),
    note=(r"note(?: de bas de page)? {n}", r"{n} note"),
    any_note=r"notes? (?:de|en) bas de page",
    title=r"intitulée?s?|titres?|s['’]intitule",
    parts={OPERATIVE: r"dispositif", PREAMBLE: r"préambule", LETTER: r"lettre d['’]envoi"},
    ordinals=(
        "premier première",
        "deuxième second seconde",
        "troisième",
        "quatrième",
        "cinquième",
        "sixième",
        "septième",
        "huitième",
        "neuvième",
        "dixième",
    ),
    ordinal_ending=r"(?:er|re|e|ème)",
    kinds={
        "plan_of_action": "plan d'action",
        "note": "projet de résolution note du secrétariat résolution",
        "draft_resolution": "projet de résolution résolution",
        "report": "rapport",
        "declaration": "déclaration",
        "letter_with_annex": "lettre annexe",
    },
    openers=r"et|aussi|mais|puis|ou|qu['’]en est-il|et si",
    referring=r"il|elle|ils|elles|lui|leur|celui-ci|celle-ci|ceux-ci|ce document|cette déclaration|ce texte|"
    r"ce plan|cette lettre|ce paragraphe|ce dernier|cette dernière|[lL]['’](?:a|ont|avait|aurait)",
)

ENGLISH = QuestionWords(
    language="en",
    paragraph=(r"paragraphs? {n}", r"para\. ?{n}", r"{n} paragraph"),
    alinea=(r"subparagraphs? {n}", r"preambular paragraphs? {n}", r"{n} (?:subparagraph|preambular paragraph)"),
    section=(r"(?:section|part|chapter) {n}",),
    note=(r"(?:foot)?note {n}", r"{n} (?:foot)?note"),
    any_note=r"footnotes?",
    title=r"heading|title|called|entitled",
    parts={OPERATIVE: r"operative", PREAMBLE: r"preamble|preambular", LETTER: r"covering letter"},
    ordinals=("first opening", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"),
    ordinal_ending=r"(?:st|nd|rd|th)",
    kinds={
        "plan_of_action": "plan of action action plan",
        "note": "draft resolution secretariat note resolution",
        "draft_resolution": "draft resolution resolution",
        "report": "report",
        "declaration": "declaration",
        "letter_with_annex": "letter annex",
    },
    openers=r"and|also|but|then|or|what about|how about",
    referring=r"he|she|it|its|they|them|their|his|her|this|that|these|those|the same",
)

SPANISH = QuestionWords(
    language="es",
    paragraph=(r"párrafos? {n}", r"apartados? {n}", r"{n} párrafo"),
    alinea=(r"párrafos? {n} del preámbulo", r"{n} párrafo del preámbulo"),
    section=(r"(?:sección|parte|capítulo) {n}",),
    note=(r"nota(?: al pie(?: de página)?)? {n}", r"{n} nota"),
    any_note=r"notas? al pie|notas? a pie de página",
    title=r"títulos?|epígrafe|se titula|titulad[oa]",
    parts={OPERATIVE: r"dispositiv[ao]", PREAMBLE: r"preámbulo", LETTER: r"carta de envío|carta de remisión"},
    ordinals=(
        "primer primero primera",
        "segundo segunda",
        "tercer tercero tercera",
        "cuarto cuarta",
        "quinto quinta",
        "sexto sexta",
        "séptimo séptima",
        "octavo octava",
        "noveno novena",
        "décimo décima",
    ),
    ordinal_ending=r"(?:\.?º|\.?ª)",
    kinds={
        "plan_of_action": "plan de acción",
        "note": "proyecto de resolución nota de la secretaría resolución",
        "draft_resolution": "proyecto de resolución resolución",
        "report": "informe",
        "declaration": "declaración",
        "letter_with_annex": "carta anexo",
    },
    openers=r"y|también|pero|entonces|o|¿y|qué hay de|y en cuanto a",
    referring=r"él|ella|ellos|ellas|este|esta|estos|estas|ese|esa|esos|esas|dicho|dicha|dichos|dichas|"
    r"el mismo|la misma|este documento|esta declaración",
)

GERMAN = QuestionWords(
    language="de",
    paragraph=(r"(?:absatz|absätze|absätzen|ziffer|ziffern|paragraph|paragraphen|paragraf) {n}", r"{n}\.? absatz"),
    alinea=(r"präambelabsatz {n}", r"absatz {n} der präambel", r"{n}\.? präambelabsatz"),
    section=(r"(?:abschnitt|teil|kapitel) {n}",),
    note=(r"(?:fußnote|fussnote|anmerkung) {n}", r"{n}\.? (?:fußnote|fussnote|anmerkung)"),
    any_note=r"fußnoten?|fussnoten?",
    title=r"überschrift|titel|betitelt|heißt",
    parts={
        OPERATIVE: r"operativen? teils?|beschlussteils?|dispositiv",
        PREAMBLE: r"präambel",
        LETTER: r"begleitschreiben",
    },
    ordinals=(
        "erste ersten erster",
        "zweite zweiten",
        "dritte dritten",
        "vierte vierten",
        "fünfte fünften",
        "sechste sechsten",
        "siebte siebten",
        "achte achten",
        "neunte neunten",
        "zehnte zehnten",
    ),
    kinds={
        "plan_of_action": "aktionsplan",
        "note": "resolutionsentwurf entwurf resolution note sekretariat",
        "draft_resolution": "resolutionsentwurf entwurf resolution",
        "report": "bericht",
        "declaration": "erklärung",
        "letter_with_annex": "schreiben brief anlage anhang",
    },
    openers=r"und|auch|aber|dann|oder|was ist mit|wie steht es mit",
    referring=r"er|sie|es|ihr|ihre|ihren|ihrer|ihm|ihnen|sein|seine|seinen|dies|diese|dieser|dieses|diesem|"
    r"derselbe|dieselbe|dasselbe|dort",
)

RUSSIAN = QuestionWords(
    language="ru",
    paragraph=(r"(?:пункт|параграф)\w{{0,3}} {n}", r"{n} (?:пункт|параграф)\w{{0,3}}"),
    alinea=(r"(?:абзац|пункт)\w{{0,3}} {n} преамбулы", r"{n} (?:абзац|пункт)\w{{0,3}} преамбулы"),
    section=(r"(?:раздел|част|глав)\w{{0,3}} {n}",),
    note=(r"(?:сноск|примечани)\w{{0,3}} {n}", r"{n} (?:сноск|примечани)\w{{0,3}}"),
    any_note=r"сноск\w{0,3}|подстрочн\w{0,3} примечани\w{0,3}",
    title=r"заголов\w{0,4}|назва\w{0,4}|озаглавлен\w{0,3}",
    parts={
        OPERATIVE: r"постановляющ\w{0,4}",
        PREAMBLE: r"преамбул\w{0,2}",
        LETTER: r"сопроводительн\w{0,3} письм\w{0,3}",
    },
    ordinals=(
        "первый первом первого первая первой",
        "второй втором второго",
        "третий третьем третьего",
        "четвертый четвёртый четвертом",
        "пятый пятом",
        "шестой шестом",
        "седьмой седьмом",
        "восьмой восьмом",
        "девятый девятом",
        "десятый десятом",
    ),
    ordinal_ending=r"(?:-?(?:й|м|го|я|е))",
    kinds={
        "plan_of_action": "план действий",
        "note": "проект резолюции записка секретариата резолюция",
        "draft_resolution": "проект резолюции резолюция",
        "report": "доклад",
        "declaration": "декларация",
        "letter_with_annex": "письмо приложение",
    },
    openers=r"и|а|также|но|тогда|или|а как|что насч[её]т",
    referring=r"он|она|оно|они|его|её|ее|их|ему|ей|им|этот|эта|это|эти|этого|этой|этом|этих|данн\w{1,3}|"
    r"тот же|та же",
)

ARABIC = QuestionWords(
    language="ar",
    paragraph=(r"الفقر(?:ة|ات) {n}", r"فقر(?:ة|ات) {n}", r"البند {n}"),
    alinea=(r"الفقرة {n} من الديباجة", r"فقرة الديباجة {n}"),
    section=(r"(?:الفرع|الجزء|الفصل|القسم) {n}",),
    note=(r"الحاشية {n}", r"حاشية {n}", r"الملاحظة {n}"),
    any_note=r"الحواشي|الحاشية|حاشية",
    title=r"عنوان|العنوان|بعنوان",
    parts={OPERATIVE: r"المنطوق|منطوق", PREAMBLE: r"الديباجة|ديباجة", LETTER: r"رسالة الإحالة"},
    ordinals=(
        "الأولى الأول",
        "الثانية الثاني",
        "الثالثة الثالث",
        "الرابعة الرابع",
        "الخامسة الخامس",
        "السادسة السادس",
        "السابعة السابع",
        "الثامنة الثامن",
        "التاسعة التاسع",
        "العاشرة العاشر",
    ),
    kinds={
        "plan_of_action": "خطة العمل",
        "note": "مشروع قرار مذكرة الأمانة قرار",
        "draft_resolution": "مشروع قرار",
        "report": "تقرير",
        "declaration": "إعلان",
        "letter_with_annex": "رسالة مرفق",
    },
    openers=r"وماذا|وما|وهل|وكم|ومن|ومتى|وأين|وكيف|ثم|أو|أيضا|وكذلك",
    referring=r"هذا|هذه|ذلك|تلك|هؤلاء|نفسه|نفسها|المذكور|المذكورة",
)

CHINESE = QuestionWords(
    language="zh",
    paragraph=(r"第{n}段", r"第{n}款", r"第{n}条"),
    alinea=(r"序言部分第{n}段", r"序言第{n}段"),
    section=(r"第{n}节", r"第{n}部分", r"第{n}章"),
    note=(r"脚注{n}", r"注{n}", r"第{n}条?注"),
    any_note=r"脚注",
    title=r"标题|题为|名为",
    parts={OPERATIVE: r"执行部分", PREAMBLE: r"序言", LETTER: r"转递信|信函"},
    ordinals=(
        "一",
        "二",
        "三",
        "四",
        "五",
        "六",
        "七",
        "八",
        "九",
        "十",
        "十一",
        "十二",
        "十三",
        "十四",
        "十五",
        "十六",
        "十七",
        "十八",
        "十九",
        "二十",
    ),
    kinds={
        "plan_of_action": "行动计划",
        "note": "决议草案 秘书处的说明 决议",
        "draft_resolution": "决议草案 决议",
        "report": "报告",
        "declaration": "宣言",
        "letter_with_annex": "信 附件",
    },
    openers=r"那么|那|还有|另外|而且|也|或者|和",
    referring=r"它们|他们|她们|它|他|她|其|该|此|这个|这些|那个|那些|上述",
    boundaries=False,
)

QUESTION_WORDS = {words.language: words for words in (FRENCH, ENGLISH, SPANISH, GERMAN, RUSSIAN, ARABIC, CHINESE)}
# Roman numerals of sections, as documents number them (I to XXXIX)
_ROMAN = r"[IVX]{1,5}"


def ordinal_numbers() -> dict[str, int]:
    """Every language's ordinal words (and Chinese numerals), lower-cased, with their value."""
    numbers: dict[str, int] = {}
    for words in QUESTION_WORDS.values():
        for value, forms in enumerate(words.ordinals, start=1):
            numbers.update(dict.fromkeys(forms.lower().split(), value))
    return numbers


def _bounded(pattern: str, words: QuestionWords) -> str:
    return rf"(?<!\w)(?:{pattern})(?!\w)" if words.boundaries else f"(?:{pattern})"


def _number_pattern() -> str:
    endings = "|".join(words.ordinal_ending for words in QUESTION_WORDS.values() if words.ordinal_ending)
    named = "|".join(sorted(map(re.escape, ordinal_numbers()), key=len, reverse=True))
    return rf"(?P<n>\d{{1,3}}(?:{endings})?|{named})"


@cache
def reference_pattern(kind: str) -> re.Pattern[str]:
    """One expression for a kind of reference (paragraph, alinea, section, note) in every language.

    The number (digits, an ordinal word, a Roman numeral for sections) is group ``n``.
    """
    number = rf"(?P<n>(?-i:{_ROMAN}))" if kind == "section" else _number_pattern()
    alternatives = []
    for words in QUESTION_WORDS.values():
        for template in getattr(words, kind):
            alternatives.append(_bounded(template.replace(" ", r"\s*").format(n=number), words))
    # each alternative has its own group n: name them apart
    numbered = [pattern.replace("(?P<n>", f"(?P<n{i}>") for i, pattern in enumerate(alternatives)]
    # Roman numerals stay capitals ("section IV", not "vi"), the words are matched in any case
    return re.compile("|".join(numbered), re.IGNORECASE)


@cache
def words_pattern(attribute: str) -> re.Pattern[str]:
    """Every language's words of one kind (``any_note``, ``title``, ``referring``) as one expression."""
    return re.compile("|".join(_bounded(getattr(w, attribute), w) for w in QUESTION_WORDS.values()), re.IGNORECASE)


@cache
def part_patterns() -> dict[str, re.Pattern[str]]:
    """The parts of a document a question may name (by role), in every language."""
    roles = dict.fromkeys(role for words in QUESTION_WORDS.values() for role in words.parts)  # in table order
    return {
        role: re.compile(
            "|".join(_bounded(w.parts[role], w) for w in QUESTION_WORDS.values() if role in w.parts), re.IGNORECASE
        )
        for role in roles
    }


@cache
def opener_pattern() -> re.Pattern[str]:
    """What opens a turn that leans on the one before, in every language."""
    return re.compile(
        r"^[\s¿¡«“\"]*(?:" + "|".join(_bounded(w.openers, w) for w in QUESTION_WORDS.values()) + ")", re.IGNORECASE
    )


def kind_names(kind: str) -> str:
    """The words, in every language, by which staff name a kind of document."""
    return " ".join(words.kinds.get(kind, "") for words in QUESTION_WORDS.values())
