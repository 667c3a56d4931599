"""Document metadata derived from the text itself, with an optional sidecar override."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rag.structure import LETTER_SECTION, NOTE_SECTION, Labelled
from rag.textfix import fold

logger = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"

_MONTHS = {
    name: number
    for number, name in enumerate(
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
        start=1,
    )
}
_FRENCH_DATE = re.compile(r"(\d{1,2})(?:er)?\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})")
_SENDER = re.compile(r"\bpar (?:le |la |l’|l')(.+)$")
_COUNTRY = re.compile(r"Représentant[e]? permanent[e]? (de la|de l’|du|des|d’|de) ?([A-ZÀ-Ý][\w-]+)")
_SIGNATORY = re.compile(r"\(Signé\)\s*(.+)$")
_SUBJECT = re.compile(r"^(?:\d+\.\s*)?Nous,\s+([^,:]+)")
_SHORT_TITLE_CUT = re.compile(r"\s(?:sur|pour)\s")


class DocumentInfo(BaseModel):
    """What a reader needs to know about a document to cite it."""

    model_config = ConfigDict(frozen=True)

    source: str = Field(description="File name in the corpus folder.")
    doc_id: str = Field(description="Stable identifier: the file name without extension.")
    kind: str = Field(description="letter_with_annex, letter, note, plan_of_action, declaration or document.")
    title: str = Field(description="Title of the substantive text (the annex for a letter).")
    short_title: str = Field(description="Title as a reader cites it (“Déclaration de Bucarest”).")
    date: str | None = Field(None, description="ISO date of the substantive text, when stated.")
    sender: str | None = Field(None, description="Who sends or adopts the text, when stated.")
    signatory: str | None = Field(None, description="Who signed the covering letter, when stated.")
    letter: str | None = Field(None, description="The covering letter's own heading, or null.")
    letter_date: str | None = Field(None, description="ISO date of the covering letter.")
    letter_ref: str | None = Field(None, description="Short name of the covering letter.")


class Sidecar(BaseModel):
    """Fields a ``NAME.meta.json`` file beside a document may set when the text cannot give them."""

    model_config = ConfigDict(extra="forbid")

    kind: str | None = None
    title: str | None = None
    short_title: str | None = None
    date: str | None = None
    sender: str | None = None
    signatory: str | None = None


def french_date(text: str) -> str | None:
    """The first French date in ``text`` as ISO ``YYYY-MM-DD``, or None."""
    found = _FRENCH_DATE.search(text)
    if not found:
        return None
    day, month, year = found.groups()
    return f"{year}-{_MONTHS[month]:02d}-{int(day):02d}"


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


def short_title(title: str) -> str:
    """The part of a title a reader cites: “Déclaration de Bucarest”.

    The title is cut before its first “sur” or “pour” when what comes before
    names something (holds a capitalised word after the first).
    """
    cut = _SHORT_TITLE_CUT.search(title)
    if cut:
        head = title[: cut.start()]
        if any(word[:1].isupper() for word in re.findall(r"\w+", head)[1:]):
            return head
    return title


def derive_info(source: str, labelled: list[Labelled], texts: list[str]) -> DocumentInfo:
    """Derive a document's metadata from its labelled paragraphs.

    Args:
        source: the file name.
        labelled: the document's labelled blocks.
        texts: the cleaned text of each block, same order.
    """
    by_label: dict[str, str] = {}
    for item, text in zip(labelled, texts, strict=True):
        key = f"{item.section}|{item.label}"
        by_label.setdefault(key, text)
    letter = by_label.get(f"{LETTER_SECTION}|intitulé")
    is_note = f"{NOTE_SECTION}|intitulé" in by_label
    titles = [text for item, text in zip(labelled, texts, strict=True) if item.kind == "title"]
    body = " ".join(text for item, text in zip(labelled, texts, strict=True) if item.kind == "paragraph")
    title = recase_title(titles[0].strip("«» "), body) if titles else Path(source).stem
    dates = [text for item, text in zip(labelled, texts, strict=True) if item.kind == "date"]
    signatures = [text for item, text in zip(labelled, texts, strict=True) if item.kind == "signature"]

    sender = signatory = letter_date = letter_ref = None
    if letter:
        letter_date = french_date(letter)
        found = _SENDER.search(letter)
        sender = found.group(1)[:1].upper() + found.group(1)[1:] if found else None
        country = _COUNTRY.search(letter)
        of = f" {country.group(1)} {country.group(2)}".replace("’ ", "’") if country else ""
        when = f" du {_FRENCH_DATE.search(letter).group(0)}" if letter_date else ""
        letter_ref = f"lettre{of}{when}"
    elif is_note:
        sender = "Secrétariat"
    else:
        subject = next((_SUBJECT.match(text) for text in texts if _SUBJECT.match(text)), None)
        sender = subject.group(1).strip() if subject else None
    if signatures:
        found = _SIGNATORY.search(signatures[0])
        signatory = found.group(1).strip() if found else None

    return DocumentInfo(
        source=source,
        doc_id=Path(source).stem,
        kind=_kind(
            letter,
            is_note,
            title,
            has_annex=any(item.label == "intitulé" and item.section == "Annexe" for item in labelled),
        ),
        title=title,
        short_title=short_title(title),
        date=french_date(dates[0]) if dates else letter_date,
        sender=sender,
        signatory=signatory,
        letter=letter,
        letter_date=letter_date,
        letter_ref=letter_ref,
    )


def _kind(letter: str | None, is_note: bool, title: str, has_annex: bool) -> str:
    if letter:
        return "letter_with_annex" if has_annex else "letter"
    if is_note:
        return "note"
    folded = fold(title)
    if folded.startswith("plan d"):
        return "plan_of_action"
    if folded.startswith("declaration"):
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
        overrides["short_title"] = short_title(overrides["title"])
    return info.model_copy(update=overrides)
