"""Document metadata derived from the text itself, with an optional sidecar override."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rag.ingest.structure import Labelled
from rag.ingest.textfix import fold
from rag.languages.layout import (
    ANNEX,
    CHAPEAU_OPENERS,
    FRENCH,
    LAYOUTS,
    LETTER,
    MASTHEAD,
    NOTE,
    SIGNED,
    Layout,
    find_date,
    layout_for,
)

logger = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"

_SUBJECT = re.compile(
    r"^(?:\d+\.\s*)?(?:" + "|".join(re.escape(opener[:-1]) for opener in CHAPEAU_OPENERS) + r")[,،，]\s*([^,:،，]+)"
)


class DocumentInfo(BaseModel):
    """What a reader needs to know about a document to cite it."""

    model_config = ConfigDict(frozen=True)

    source: str = Field(description="File name in the corpus folder.")
    doc_id: str = Field(description="Stable identifier: the file name without extension.")
    kind: str = Field(
        description="letter_with_annex, letter, note, draft_resolution, report, plan_of_action, declaration "
        "or document."
    )
    title: str = Field(description="Title of the substantive text (the annex for a letter).")
    short_title: str = Field(description="Title as a reader cites it (“Déclaration de Bucarest”).")
    date: str | None = Field(None, description="ISO date of the substantive text, when stated.")
    sender: str | None = Field(None, description="Who sends or adopts the text, when stated.")
    signatory: str | None = Field(None, description="Who signed the covering letter, when stated.")
    letter: str | None = Field(None, description="The covering letter's own heading, or null.")
    letter_date: str | None = Field(None, description="ISO date of the covering letter.")
    letter_ref: str | None = Field(None, description="Short name of the covering letter.")
    language: str = Field(description="ISO 639-1 language of the document: its sections and citations are in it.")
    symbol: str | None = Field(
        None, description="The document's UN symbol (“A/77/893”), from its masthead or a PDF's running headers."
    )
    distribution_date: str | None = Field(None, description="ISO date the masthead gives for the distribution.")


class Sidecar(BaseModel):
    """Fields a ``NAME.meta.json`` file beside a document may set when the text cannot give them."""

    model_config = ConfigDict(extra="forbid")

    kind: str | None = None
    title: str | None = None
    short_title: str | None = None
    date: str | None = None
    sender: str | None = None
    signatory: str | None = None
    symbol: str | None = None


def french_date(text: str) -> str | None:
    """The first French date in ``text`` as ISO ``YYYY-MM-DD``, or None."""
    found = FRENCH.parse_date(text)
    return found[0] if found else None


def iso_date(text: str, layout: Layout | None = None) -> str | None:
    """The first date in ``text``, written in any of the UN's languages, as ISO ``YYYY-MM-DD``, or None.

    ``layout``'s way of writing dates is tried first ("10 May 2023", "14 de septiembre de 2021").
    """
    found = find_date(text, layout)
    return found[0] if found else None


def recase_title(title: str, body: str) -> str:
    """Give an all-capitals title the case and accents its words have in the body.

    ``PLAN D’ACTION`` becomes ``Plan d’action``; a word the body never uses is
    lowercased, so proper nouns absent from the body need the sidecar.
    """
    if title != title.upper():
        return title
    forms: dict[str, Counter[str]] = {}
    for word in re.findall(r"\w+", body):
        if word != word.upper() or len(word) == 1:
            forms.setdefault(fold(word), Counter())[word] += 1

    def _recase(match: re.Match[str]) -> str:
        known = forms.get(fold(match.group(0)))
        return known.most_common(1)[0][0] if known else match.group(0).lower()

    recased = re.sub(r"\w+", _recase, title)
    return recased[:1].upper() + recased[1:]


def short_title(title: str, language: str = "fr") -> str:
    """The part of a title a reader cites: “Déclaration de Bucarest”, “Oslo Declaration”.

    The title is cut before its first “sur” or “pour” (“on” or “for”, “sobre” or
    “para”: the language's ``title_cut``) when what comes before names something
    (holds a capitalised word after the first, or is in a script without capitals).
    """
    cut = re.search(rf"\s(?:{layout_for(language).title_cut})\s", title)
    if cut:
        head = title[: cut.start()]
        words = re.findall(r"\w+", head)
        caseless = not any(char.isupper() or char.islower() for char in head if char.isalpha())
        if any(word[:1].isupper() for word in words[1:]) or (caseless and len(words) > 1):
            return head
    return title


def derive_info(source: str, labelled: list[Labelled], texts: list[str], language: str = "fr") -> DocumentInfo:
    """Derive a document's metadata from its labelled paragraphs.

    Args:
        source: the file name.
        labelled: the document's labelled blocks.
        texts: the cleaned text of each block, same order.
        language: the document's language, in which ``label_blocks`` named its sections.
    """
    layout = layout_for(language)
    items = list(zip(labelled, texts, strict=True))
    heading = layout.labels["heading"]
    letter_heading, note_heading = (layout.sections[LETTER], heading), (layout.sections[NOTE], heading)
    letter = next((text for item, text in items if (item.section, item.label) == letter_heading), None)
    is_note = any((item.section, item.label) == note_heading for item, _ in items)
    titles = [text for item, text in items if item.kind == "title" and item.label == layout.labels["title"]]
    subtitles = [text for item, text in items if item.kind == "title" and item.label == layout.labels["subtitle"]]
    body = " ".join(text for item, text in items if item.kind == "paragraph")
    title = recase_title(titles[0].strip("«» "), body) if titles else Path(source).stem
    dates = [text for item, text in items if item.kind == "date"]
    signatures = [item for item in labelled if item.kind == "signature"]
    masthead = next((item for item in labelled if item.kind == "masthead"), None)
    symbol = masthead_date = None
    if masthead:
        found = MASTHEAD.match(masthead.block.lines[0]) if masthead.block.lines else None
        symbol = found.group("symbol") if found else None
        masthead_date = iso_date(masthead.block.raw, layout)

    sender = signatory = letter_date = letter_ref = None
    if letter:
        letter_date, sender, letter_ref = _letter_fields(letter, layout)
    elif is_note:
        sender = "Secrétariat"
    else:
        subject = next((_SUBJECT.match(text) for text in texts if _SUBJECT.match(text)), None)
        sender = subject.group(1).strip() if subject else None
    if signatures:
        signatory = _signatory(signatures[0])

    kind = _kind(
        letter,
        is_note,
        title,
        has_annex=any(item.label == heading and item.section == layout.sections[ANNEX] for item in labelled),
        draft=any(item.label == layout.labels["sponsors"] for item in labelled),
        report=bool(subtitles),
    )
    short = short_title(title, language)
    if kind == "report" and subtitles:
        short = layout.report_head.format(report=subtitles[0], symbol=symbol) if symbol else subtitles[0]
    return DocumentInfo(
        source=source,
        doc_id=Path(source).stem,
        kind=kind,
        title=title,
        short_title=short,
        date=iso_date(dates[0], layout) if dates else letter_date or masthead_date,
        sender=sender,
        signatory=signatory,
        letter=letter,
        letter_date=letter_date,
        letter_ref=letter_ref,
        language=language,
        symbol=symbol,
        distribution_date=masthead_date,
    )


def _letter_fields(letter: str, layout: Layout) -> tuple[str | None, str | None, str]:
    """A covering letter's ISO date, sender and short name, read from its heading.

    The heading is read in the language it is written in; the short name is worded in the
    document's (``layout``): “lettre de la Roumanie du 29 novembre 2006”, “letter from Norway
    of 10 May 2023”, “carta de México de 14 de septiembre de 2021”.
    """
    written = next((other for other in LAYOUTS.values() if re.match(other.letter, letter, re.IGNORECASE)), layout)
    found_date = written.parse_date(letter)
    found = re.search(written.sender, letter)
    sender = found.group(1)[:1].upper() + found.group(1)[1:] if found else None
    country = re.search(written.country, letter)
    head, who, when, tail = layout.letter_ref
    parts = [head]
    if country:
        parts.append(who.format(of=country.group("of"), name=country.group("name")).replace("’ ", "’"))
    if found_date:
        parts.append(when.format(date=found_date[1].group(0)))
    parts.append(tail)
    return (found_date[0] if found_date else None), sender, re.sub(r" {2,}", " ", "".join(parts))


def _signatory(signature: Labelled) -> str | None:
    """Who signed: the rest of the line that holds the “(Signed)” mark (or the next line)."""
    lines = list(signature.block.lines) or [signature.block.raw]
    for index, line in enumerate(lines):
        mark = next((mark for mark in SIGNED if mark in line), None)
        if mark is None:
            continue
        name = line.split(mark, 1)[1].strip()
        if not name and index + 1 < len(lines):
            name = lines[index + 1].strip()
        return name or None
    return None


def _kind(letter: str | None, is_note: bool, title: str, has_annex: bool, draft: bool, report: bool) -> str:
    if letter:
        return "letter_with_annex" if has_annex else "letter"
    if is_note:
        return "note"
    if draft:
        return "draft_resolution"
    if report:
        return "report"
    folded = fold(title)
    if folded.startswith(tuple(prefix for layout in LAYOUTS.values() for prefix in layout.plan_titles)):
        return "plan_of_action"
    if folded.startswith(tuple(prefix for layout in LAYOUTS.values() for prefix in layout.declaration_titles)):
        return "declaration"
    return "document"


def apply_sidecar(info: DocumentInfo, path: Path) -> DocumentInfo:
    """Override derived metadata with ``NAME.meta.json`` when it exists and is valid.

    An invalid sidecar is reported and ignored: the derived metadata stays.
    """
    sidecar_path = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar_path.exists():
        return info
    try:
        sidecar = Sidecar.model_validate(json.loads(sidecar_path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError) as error:
        logger.warning("ignored metadata file %s: %s", sidecar_path.name, error)
        return info
    overrides = sidecar.model_dump(exclude_none=True)
    if "title" in overrides and "short_title" not in overrides:
        overrides["short_title"] = short_title(overrides["title"], info.language)
    return info.model_copy(update=overrides)
