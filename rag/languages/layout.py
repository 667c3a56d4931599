"""The words of the UN's document layout, language by language: one table for reading and citing.

Reading: what opens a covering letter's heading, an annex or a Secretariat note, what marks a
signature, how a date is written, how a declaration's chapeau opens, what ends a draft resolution's
sponsors line, a report's subtitle and its summary heading, the masthead's first words. A document
is read with every language's words (a layout word is unmistakable in any of them).

Writing: the names of the parts of a document (covering letter, preamble, operative part…), the
labels of its paragraphs, and the wording of a citation, in the document's own language: the French
documents are cited "annexe à la lettre de la Turquie du 12 avril 2004, paragraphe 5", the English
ones "annex to the letter from Norway of 10 May 2023, paragraph 8", the Spanish ones "anexo de la
carta de México de 14 de septiembre de 2021, párrafo 9". A language without a table of its own is
cited in English.

The French, English and Spanish tables are checked on real documents (``corpus/``,
``tests/data/un_en_es``); the Russian, Arabic and Chinese ones follow the UN's usage in those
languages and are checked on headings and dates only (``tests/test_layout_en_es.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

# The roles of the parts of a document; each layout names them in its language.
LETTER, NOTE, ANNEX, PREAMBLE, OPERATIVE, NOTES = "letter", "note", "annex", "preamble", "operative", "notes"


@dataclass(frozen=True)
class Layout:
    """One language's layout words.

    Reading (regular expressions unless said otherwise):
        months: the twelve months as a date writes them (each an expression: alternatives allowed).
        date: a date, with ``{month}`` where the month goes; groups ``day``, ``month``, ``year``.
        numeric_months: the month is written as a number (Chinese: 2023年5月10日).
        letter: how a covering letter's heading opens.
        annex: how an annex's heading opens (or ends).
        note: how the heading of a note by the Secretariat opens.
        signed: the mark before a signatory's name ("(Signé)"), as written.
        chapeau: how the chapeau of a declaration opens ("Nous,").
        sponsors: how a draft resolution's sponsors line ends ("…: projet de résolution").
        report: a report's subtitle ("Rapport du Secrétaire général").
        summary: the heading of a report's summary.
        masthead: the Organization's name that opens a document's masthead.
        sender: in a letter's heading, group 1 is who sends it.
        country: in a letter's heading, groups ``of`` (a preposition, may be empty) and ``name``.
        title_cut: the words before which a title is cut for its short form.

    Writing (format strings):
        sections: the name of each part of a document, by role.
        phrases: how a citation names each part (empty: the label already says it).
        labels: the label of each kind of paragraph; ``{k}``, ``{n}`` are counters and numbers.
        paragraph: a numbered paragraph in a citation (``{label}`` is its label).
        operative_paragraph: a numbered paragraph of a draft resolution's operative part.
        section: a numbered section in a citation (``{roman}``).
        letter_ref: the short name of a covering letter, in four parts: the word for a letter, who
            sends it (``{of}``: a preposition, ``{name}``: the country), when (``{date}``), an ending;
            who and when are left out when the heading does not say.
        annex_of: a document annexed to a letter (``{head}``, ``{letter}``).
        annexed_letter: the word for a letter in ``annex_of`` when it differs from the first part
            of ``letter_ref`` (Russian: "приложение к письму", not "к письмо").
        note_head: a draft resolution transmitted by a note of the Secretariat (``{title}``).
        draft_head: a draft resolution (``{symbol}`` or ``{title}``): ``draft_symbol``, ``draft_title``.
        report_head: a report cited by its symbol (``{report}``, ``{symbol}``).
        separator: between the parts of a citation.
        numbered_sections: a citation names the section of a numbered paragraph (French usage);
            otherwise only when the number is not unique in the document.
    """

    language: str
    months: tuple[str, ...]
    date: str
    letter: str
    annex: str
    note: str
    signed: tuple[str, ...]
    chapeau: tuple[str, ...]
    sponsors: str
    report: str
    summary: str
    masthead: str
    sender: str
    country: str
    title_cut: str
    sections: dict[str, str]
    phrases: dict[str, str]
    labels: dict[str, str]
    paragraph: str
    operative_paragraph: str
    section: str
    letter_ref: tuple[str, str, str, str]
    annex_of: str
    note_head: str
    draft_symbol: str
    draft_title: str
    report_head: str
    annexed_letter: str = ""
    separator: str = ", "
    numeric_months: bool = False
    numbered_sections: bool = False
    plan_titles: tuple[str, ...] = field(default=())
    declaration_titles: tuple[str, ...] = field(default=())

    @cached_property
    def date_pattern(self) -> re.Pattern[str]:
        """A date written in this language (groups ``day``, ``month``, ``year``)."""
        months = "|".join(f"(?:{month})" for month in self.months)
        return re.compile(self.date.format(month=f"(?P<month>{months})"))

    def parse_date(self, text: str) -> tuple[str, re.Match[str]] | None:
        """The first date of ``text`` in this language, as ISO ``YYYY-MM-DD``, and its match."""
        found = self.date_pattern.search(text)
        if not found:
            return None
        day, month, year = found.group("day"), found.group("month"), found.group("year")
        number = int(month) if self.numeric_months else _month_number(self, month)
        return f"{year}-{number:02d}-{int(day):02d}", found


def _month_number(layout: Layout, written: str) -> int:
    for number, month in enumerate(layout.months, start=1):
        if re.fullmatch(month, written):
            return number
    raise ValueError(written)


FRENCH = Layout(
    language="fr",
    months=tuple("janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()),
    date=r"(?P<day>\d{{1,2}})(?:er)?\s+{month}\s+(?P<year>\d{{4}})",
    letter=r"^(?:Lettres? identiques|Lettre) datée d",
    annex=r"^Annexe\b",
    note=r"^Note d[eu]\b",
    signed=("(Signé)",),
    chapeau=("Nous,",),
    sponsors=r":\s*projet de résolution(?: révisé)?$",
    report=r"^Rapport du Secrétaire général$",
    summary=r"^Résumé$",
    masthead=r"Nations Unies",
    sender=r"\bpar (?:le |la |l’|l')(.+)$",
    country=r"Représentant[e]? permanent[e]? (?P<of>de la|de l’|du|des|d’|de) ?(?P<name>[A-ZÀ-Ý][\w-]+)",
    title_cut=r"sur|pour",
    sections={
        LETTER: "Lettre d’envoi",
        NOTE: "Note du Secrétariat",
        ANNEX: "Annexe",
        PREAMBLE: "Préambule",
        OPERATIVE: "Dispositif",
        NOTES: "Notes",
    },
    phrases={
        PREAMBLE: "préambule",
        OPERATIVE: "dispositif",
        ANNEX: "annexe",
        NOTE: "note du Secrétariat",
        NOTES: "",
    },
    labels={
        "title": "titre",
        "subtitle": "sous-titre",
        "heading": "intitulé",
        "date": "date",
        "signature": "signature",
        "chapeau": "chapeau",
        "masthead": "en-tête",
        "sponsors": "auteurs",
        "note": "note {n}",
        "unnumbered": "alinéa {k}",
        "preambular": "alinéa {k}",
        "continued": "{n}, alinéa {k}",
        "following": "texte suivant le paragraphe {n}",
    },
    paragraph="paragraphe {label}",
    operative_paragraph="paragraphe {label}",
    section="section {roman}",
    letter_ref=("lettre", " {of} {name}", " du {date}", ""),
    annex_of="{head} (annexe à la {letter})",
    note_head="Projet de résolution « {title} » (note du Secrétariat)",
    draft_symbol="Projet de résolution {symbol}",
    draft_title="Projet de résolution « {title} »",
    report_head="{report} ({symbol})",
    numbered_sections=True,
    plan_titles=("plan d",),
    declaration_titles=("declaration",),
)

ENGLISH = Layout(
    language="en",
    months=tuple("January February March April May June July August September October November December".split()),
    date=r"(?P<day>\d{{1,2}})\s+{month}\s+(?P<year>\d{{4}})",
    letter=r"^(?:Identical letters|Letter) dated\b",
    annex=r"^Annex\b",
    note=r"^Note by the (?:Secretariat|Secretary-General)\b",
    signed=("(Signed)",),
    chapeau=("We,",),
    sponsors=r":\s*(?:revised )?draft resolution$",
    report=r"^Report of the Secretary-General$",
    summary=r"^Summary$",
    masthead=r"United Nations",
    sender=r"\bfrom (?:the )?(.+?)(?:\s+addressed to\b.*)?$",
    country=r"(?:Representative|Mission|Chargé d’affaires a\.i\.) of (?P<of>)(?P<name>.+?) to the United Nations",
    title_cut=r"on|for",
    sections={
        LETTER: "Covering letter",
        NOTE: "Note by the Secretariat",
        ANNEX: "Annex",
        PREAMBLE: "Preamble",
        OPERATIVE: "Operative part",
        NOTES: "Footnotes",
    },
    phrases={PREAMBLE: "", OPERATIVE: "operative part", ANNEX: "annex", NOTE: "note by the Secretariat", NOTES: ""},
    labels={
        "title": "title",
        "subtitle": "subtitle",
        "heading": "heading",
        "date": "date",
        "signature": "signature",
        "chapeau": "chapeau",
        "masthead": "masthead",
        "sponsors": "sponsors",
        "note": "footnote {n}",
        "unnumbered": "paragraph {k}",
        "preambular": "preambular paragraph {k}",
        "continued": "{n}, unnumbered paragraph {k}",
        "following": "text following paragraph {n}",
    },
    paragraph="paragraph {label}",
    operative_paragraph="operative paragraph {label}",
    section="section {roman}",
    letter_ref=("letter", " from {name}", " of {date}", ""),
    annex_of="{head} (annex to the {letter})",
    note_head="Draft resolution “{title}” (note by the Secretariat)",
    draft_symbol="Draft resolution {symbol}",
    draft_title="Draft resolution “{title}”",
    report_head="{report} ({symbol})",
    plan_titles=("plan of action", "action plan"),
    declaration_titles=("declaration",),
)

SPANISH = Layout(
    language="es",
    months=tuple("enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split()),
    date=r"(?P<day>\d{{1,2}})[º°]?\s+de\s+{month}\s+del?\s+(?P<year>\d{{4}})",
    letter=r"^(?:Cartas idénticas|Carta) de fecha\b",
    annex=r"^Anexo\b",
    note=r"^Nota (?:de la Secretaría|del Secretario General)\b",
    signed=("(Firmado)",),
    chapeau=("Nosotros,", "Nosotras,"),
    sponsors=r":\s*proyecto de resolución(?: revisado)?$",
    report=r"^Informe del Secretario General$",
    summary=r"^Resumen$",
    masthead=r"Naciones Unidas",
    sender=r"\bpor (?:el |la )(.+)$",
    country=r"(?:Representante|Misión) Permanente (?P<of>de la|del|de los|de las|de) (?P<name>.+?) ante las Naciones",
    title_cut=r"sobre|para",
    sections={
        LETTER: "Carta de envío",
        NOTE: "Nota de la Secretaría",
        ANNEX: "Anexo",
        PREAMBLE: "Preámbulo",
        OPERATIVE: "Parte dispositiva",
        NOTES: "Notas",
    },
    phrases={PREAMBLE: "", OPERATIVE: "parte dispositiva", ANNEX: "anexo", NOTE: "nota de la Secretaría", NOTES: ""},
    labels={
        "title": "título",
        "subtitle": "subtítulo",
        "heading": "epígrafe",
        "date": "fecha",
        "signature": "firma",
        "chapeau": "encabezamiento",
        "masthead": "cabecera",
        "sponsors": "patrocinadores",
        "note": "nota {n}",
        "unnumbered": "párrafo {k}",
        "preambular": "párrafo {k} del preámbulo",
        "continued": "{n}, párrafo sin numerar {k}",
        "following": "texto que sigue al párrafo {n}",
    },
    paragraph="párrafo {label}",
    operative_paragraph="párrafo dispositivo {label}",
    section="sección {roman}",
    letter_ref=("carta", " {of} {name}", " de {date}", ""),
    annex_of="{head} (anexo de la {letter})",
    note_head="Proyecto de resolución “{title}” (nota de la Secretaría)",
    draft_symbol="Proyecto de resolución {symbol}",
    draft_title="Proyecto de resolución “{title}”",
    report_head="{report} ({symbol})",
    plan_titles=("plan de accion",),
    declaration_titles=("declaracion",),
)

RUSSIAN = Layout(
    language="ru",
    months=tuple("января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()),
    date=r"(?P<day>\d{{1,2}})\s+{month}\s+(?P<year>\d{{4}})(?:\s+года)?",
    letter=r"^(?:Идентичные письма|Письмо) .+ на имя\b",
    annex=r"^Приложение\b",
    note=r"^Записка (?:Секретариата|Генерального секретаря)\b",
    signed=("(Подпись)",),
    chapeau=("Мы,",),
    sponsors=r":\s*(?:пересмотренный )?проект резолюции$",
    report=r"^Доклад Генерального секретаря$",
    summary=r"^Резюме$",
    masthead=r"Организация Объединенных Наций",
    sender=r"^(?:Идентичные письма|Письмо) (.+?) при Организации Объединенных Наций\b",
    country=r"(?:представителя|представительства) (?P<of>)(?P<name>.+?) при Организации Объединенных Наций",
    title_cut=r"о|об|по",
    sections={
        LETTER: "Препроводительное письмо",
        NOTE: "Записка Секретариата",
        ANNEX: "Приложение",
        PREAMBLE: "Преамбула",
        OPERATIVE: "Постановляющая часть",
        NOTES: "Сноски",
    },
    phrases={
        PREAMBLE: "",
        OPERATIVE: "постановляющая часть",
        ANNEX: "приложение",
        NOTE: "записка Секретариата",
        NOTES: "",
    },
    labels={
        "title": "название",
        "subtitle": "подзаголовок",
        "heading": "заголовок",
        "date": "дата",
        "signature": "подпись",
        "chapeau": "вводная часть",
        "masthead": "шапка",
        "sponsors": "авторы",
        "note": "сноска {n}",
        "unnumbered": "абзац {k}",
        "preambular": "пункт {k} преамбулы",
        "continued": "{n}, абзац {k}",
        "following": "текст после пункта {n}",
    },
    paragraph="пункт {label}",
    operative_paragraph="пункт {label} постановляющей части",
    section="раздел {roman}",
    letter_ref=("письмо", " {name}", " от {date}", ""),
    annex_of="{head} (приложение к {letter})",
    annexed_letter="письму",
    note_head="Проект резолюции «{title}» (записка Секретариата)",
    draft_symbol="Проект резолюции {symbol}",
    draft_title="Проект резолюции «{title}»",
    report_head="{report} ({symbol})",
    plan_titles=("план действии",),
    declaration_titles=("декларация",),
)

_ARABIC_MONTHS = (
    "كانون الثاني/يناير", "شباط/فبراير", "آذار/مارس", "نيسان/أبريل", "أيار/مايو", "حزيران/يونيه",
    "تموز/يوليه", "آب/أغسطس", "أيلول/سبتمبر", "تشرين الأول/أكتوبر", "تشرين الثاني/نوفمبر", "كانون الأول/ديسمبر",
)  # fmt: skip

ARABIC = Layout(
    language="ar",
    # the UN writes both names of a month ("أيار/مايو"); either alone is read too
    months=tuple(f"{double}|{double.split('/')[1]}" for double in _ARABIC_MONTHS),
    date=r"(?P<day>\d{{1,2}})\s+{month}\s+(?P<year>\d{{4}})",
    letter=r"^(?:رسائل متطابقة|رسالة) مؤرخة",
    annex=r"^(?:ال)?مرفق\b",
    note=r"^مذكرة من (?:الأمانة العامة|الأمين العام)",
    signed=("(توقيع)",),
    chapeau=("نحن،",),
    sponsors=r":\s*مشروع قرار(?: منقح)?$",
    report=r"^تقرير الأمين العام$",
    summary=r"^موجز$",
    masthead=r"الأمم المتحدة",
    sender=r"\bمن (.+)$",
    country=r"الممثل الدائم (?P<of>)(?P<name>\S+) لدى الأمم المتحدة",
    title_cut=r"بشأن|من أجل",
    sections={
        LETTER: "رسالة الإحالة",
        NOTE: "مذكرة من الأمانة العامة",
        ANNEX: "المرفق",
        PREAMBLE: "الديباجة",
        OPERATIVE: "المنطوق",
        NOTES: "الحواشي",
    },
    phrases={PREAMBLE: "", OPERATIVE: "المنطوق", ANNEX: "المرفق", NOTE: "مذكرة من الأمانة العامة", NOTES: ""},
    labels={
        "title": "العنوان",
        "subtitle": "العنوان الفرعي",
        "heading": "عنوان الفرع",
        "date": "التاريخ",
        "signature": "التوقيع",
        "chapeau": "الفقرة الاستهلالية",
        "masthead": "الترويسة",
        "sponsors": "مقدمو المشروع",
        "note": "الحاشية {n}",
        "unnumbered": "الفقرة {k}",
        "preambular": "الفقرة {k} من الديباجة",
        "continued": "{n}، الفقرة غير المرقمة {k}",
        "following": "النص التالي للفقرة {n}",
    },
    paragraph="الفقرة {label}",
    operative_paragraph="الفقرة {label} من المنطوق",
    section="الفرع {roman}",
    letter_ref=("رسالة", " الممثل الدائم {name}", " المؤرخة {date}", ""),
    annex_of="{head} (مرفق {letter})",
    note_head="مشروع القرار ”{title}“ (مذكرة من الأمانة العامة)",
    draft_symbol="مشروع القرار {symbol}",
    draft_title="مشروع القرار ”{title}“",
    report_head="{report} ({symbol})",
    separator="، ",
    plan_titles=("خطة عمل",),
    declaration_titles=("اعلان",),
)

CHINESE = Layout(
    language="zh",
    months=tuple(str(number) for number in range(1, 13)),
    date=r"(?P<year>\d{{4}})\s*年\s*(?P<month>\d{{1,2}})\s*月\s*(?P<day>\d{{1,2}})\s*日",
    numeric_months=True,
    letter=r"^\d{4}\s*年.+给.+的(?:同文)?信$",
    annex=r"^附件|的附件$",
    note=r"^(?:秘书处|秘书长)的说明",
    signed=("(签名)", "（签名）"),
    chapeau=("我们，",),
    sponsors=r"[:：]\s*(?:订正)?决议草案$",
    report=r"^秘书长的报告$",
    summary=r"^摘要$",
    masthead=r"联合国",
    sender=r"日(.+?)给",
    country=r"日(?P<of>)(?P<name>.+?)常驻联合国",
    title_cut=r"关于",
    sections={
        LETTER: "转递信",
        NOTE: "秘书处的说明",
        ANNEX: "附件",
        PREAMBLE: "序言部分",
        OPERATIVE: "执行部分",
        NOTES: "脚注",
    },
    phrases={PREAMBLE: "", OPERATIVE: "执行部分", ANNEX: "附件", NOTE: "秘书处的说明", NOTES: ""},
    labels={
        "title": "标题",
        "subtitle": "副标题",
        "heading": "节标题",
        "date": "日期",
        "signature": "签名",
        "chapeau": "引言",
        "masthead": "报头",
        "sponsors": "提案国",
        "note": "脚注{n}",
        "unnumbered": "第{k}段",
        "preambular": "序言部分第{k}段",
        "continued": "第{n}段后第{k}段",
        "following": "第{n}段后的案文",
    },
    paragraph="第{label}段",
    operative_paragraph="执行部分第{label}段",
    section="第{roman}节",
    letter_ref=("", "{name}", "{date}", "来信"),
    annex_of="{head}（{letter}的附件）",
    note_head="决议草案《{title}》（秘书处的说明）",
    draft_symbol="决议草案{symbol}",
    draft_title="决议草案《{title}》",
    report_head="{report}（{symbol}）",
    separator="，",
    plan_titles=("行动计划",),
    declaration_titles=("宣言",),
)

LAYOUTS: dict[str, Layout] = {
    layout.language: layout for layout in (FRENCH, ENGLISH, SPANISH, RUSSIAN, ARABIC, CHINESE)
}


def layout_for(language: str) -> Layout:
    """The layout words of a language; English for a language without a table."""
    return LAYOUTS.get(language, ENGLISH)


def _any(patterns: list[str], flags: int = 0) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), flags)


# What is read in every language.
LETTER_HEADING = _any([layout.letter for layout in LAYOUTS.values()], re.IGNORECASE)
ANNEX_HEADING = _any([layout.annex for layout in LAYOUTS.values()])
NOTE_HEADING = _any([layout.note for layout in LAYOUTS.values()])
SIGNED = tuple(mark for layout in LAYOUTS.values() for mark in layout.signed)
CHAPEAU_OPENERS = tuple(opener for layout in LAYOUTS.values() for opener in layout.chapeau)
SPONSORS_LINE = _any([layout.sponsors for layout in LAYOUTS.values()], re.IGNORECASE)
REPORT_SUBTITLE = _any([layout.report for layout in LAYOUTS.values()])
SUMMARY_HEADING = _any([layout.summary for layout in LAYOUTS.values()])
# The first line of a masthead: the Organization's name and the document's symbol ("A/77/893").
SYMBOL = r"[A-Z]{1,6}(?:/[A-Za-z0-9.\-]+)+"
MASTHEAD = re.compile(
    r"^\s*(?:" + "|".join(layout.masthead for layout in LAYOUTS.values()) + rf")\s+(?P<symbol>{SYMBOL})\s*$"
)


def find_date(text: str, first: Layout | None = None) -> tuple[str, re.Match[str], Layout] | None:
    """The first date of ``text`` written in any language's way, ``first``'s tried first.

    Returns:
        The ISO date, its match and the layout it is written in; None when the text holds no date.
    """
    layouts = [first] if first else []
    layouts += [layout for layout in LAYOUTS.values() if layout is not first]
    for layout in layouts:
        found = layout.parse_date(text)
        if found:
            return found[0], found[1], layout
    return None


def is_date_line(text: str) -> bool:
    """A block that is only a date, in brackets or not ("(26 April 2023)", "Le 25 février 2004")."""
    stripped = re.sub(r"^\((.*)\)$", r"\1", text.strip())
    stripped = re.sub(r"^Le\s+", "", stripped)
    for layout in LAYOUTS.values():
        found = layout.date_pattern.fullmatch(stripped)
        if found:
            return True
    return False


def section_names(role: str) -> frozenset[str]:
    """The names a part of a document has in every language ("Dispositif", "Operative part"…)."""
    return frozenset(layout.sections[role] for layout in LAYOUTS.values())


def section_role(section: str) -> str | None:
    """The role of a section named in any language, or None for a section of the document's own."""
    for layout in LAYOUTS.values():
        for role, name in layout.sections.items():
            if name == section:
                return role
    return None
