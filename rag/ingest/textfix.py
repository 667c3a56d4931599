"""Repairs applied to paragraph text: OCR damage, glued footnote calls, line joins."""

from __future__ import annotations

import re
import unicodedata

_SURROGATE = re.compile(r"[\ud800-\udfff]+")


def valid_text(text: str) -> str:
    """Text from outside (a terminal, a form, an API) made valid Unicode, in NFC.

    Bytes that a terminal in another encoding passed through undecoded reach Python as
    surrogate escapes (``rag ask $'S\\xe9minaire'`` gives ``"S\\udce9minaire"``): they are read
    as Windows-1252, the commonest such encoding, so "Séminaire" comes back; any other lone
    surrogate, which no encoding can write, becomes U+FFFD.
    """

    def decode(match: re.Match[str]) -> str:
        raw = match.group(0)
        if all("\udc80" <= char <= "\udcff" for char in raw):
            return bytes(ord(char) - 0xDC00 for char in raw).decode("cp1252", errors="replace")
        return "\ufffd" * len(raw)

    return unicodedata.normalize("NFC", _SURROGATE.sub(decode, text))


def fold(text: str) -> str:
    """Lowercased, typographic apostrophes made plain, accents removed: the form words are compared in."""
    decomposed = unicodedata.normalize("NFD", text.replace("’", "'").lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# A word that begins with an elided article damaged by OCR: "1’Organisation", "I’OSCE".
_DAMAGED_ELISION = re.compile(r"(?<![\w’'])[1I](?=[’'][A-Za-zÀ-ÿ])")
# An elided article whose "l" was lost entirely: "pour ’OSCE".
_LOST_ELISION = re.compile(r"(?<=\s)’(?=[AEIOUYHÀÂÉÈÊÎÔaeiouyhàâéèêîô])")
# A superscript note call read as a quote mark between two capitals: "DECLARATION‘SUR".
_QUOTE_AS_CALL = re.compile(r"(?<=[A-ZÀ-Ý])‘(?=[A-ZÀ-Ý])")
# OCR reads of characters that never occur in French running text.
_OCR_CHARACTERS = str.maketrans({"¢": "ç"})
_OCR_WORDS = re.compile(r"\b([Cc])euvre")

# Letters OCR produces for digits in a paragraph number ("S." for "5.").
# Roman numerals (I, V, X) are left out on purpose: "I." is a section heading.
OCR_DIGITS = str.maketrans({"S": "5", "O": "0", "o": "0", "B": "8", "Z": "2", "G": "6", "l": "1"})

# A line that ends with a hyphen glued to a word: "sous-" (looked for in its last two characters).
_HYPHEN_AT_END = re.compile(r"\w-$")


def repair_ocr(text: str) -> str:
    """Repair OCR damage by general rules, never by per-line patches.

    Args:
        text: paragraph text in French.

    Returns:
        The text with damaged elisions (``1’``, ``I’``, ``’``) restored to ``l’``,
        quote marks standing for note calls between capitals replaced by a space,
        and characters that cannot occur in French text replaced.
    """
    text = _QUOTE_AS_CALL.sub(" ", text)
    text = _DAMAGED_ELISION.sub("l", text)
    text = _LOST_ELISION.sub("l’", text)
    text = text.translate(_OCR_CHARACTERS)
    return _OCR_WORDS.sub(lambda m: "Œuvre" if m.group(1) == "C" else "œuvre", text)


# Superscript digits: how a reader of a PDF, Word or HTML file writes a call it saw raised
# ("siècle¹"), wherever it stands; they never occur in running text otherwise.
SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
TO_SUPERSCRIPT = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
# A note call: digits glued to a word ("terrorisme2,"); digits after a comma that follows a word
# ("Corruption,1 which", the English usage) or, at the end of the text, a number ("in 2021,2");
# stars glued to a word ("lista preliminar*"); superscript digits anywhere. A decimal
# ("1,5 millones") is none of these.
_NOTE_CALL = re.compile(
    r"(?P<word>[a-zà-ÿ]{2})(?P<glued>\d{1,2})(?=[\s,;.:)»]|$)"
    r"|(?P<before>[A-Za-zÀ-ÿ)],)(?P<after_word>\d{1,2})(?=\s|$)"
    r"|(?P<number>\d,)(?P<after_number>\d{1,2})$"
    r"|(?P<starred>\w)(?P<stars>\*{1,3})(?=[\s,;.:)»]|$)"
    # (not a unit's power: "m²", "km³")
    rf"|(?<!\bm)(?<!\b[kcd]m)(?P<raised>)(?P<superscript>[{SUPERSCRIPT_DIGITS}]{{1,3}})"
)
# (what is kept, the call) for each form of call above
_CALL_GROUPS = (
    ("word", "glued"),
    ("before", "after_word"),
    ("number", "after_number"),
    ("starred", "stars"),
    ("raised", "superscript"),
)


def strip_note_calls(text: str, note_numbers: set[str]) -> tuple[str, list[str]]:
    """Remove footnote calls, for notes that exist.

    ``terrorisme2,`` becomes ``terrorisme,`` and ``Corruption,1 which`` becomes
    ``Corruption, which`` when note 1 or 2 exists; numbers that are not glued to
    letters (``1373 (2001)``, ``A/RES/60/288``, ``1,5 millones``) are untouched.
    Stars glued to a word call the star notes (``preliminar*``); superscript digits (``siècle¹``,
    as the PDF, Word and HTML readers write a raised call) call the note of that number.

    Args:
        text: paragraph text.
        note_numbers: the numbers of the notes the document has ("1", "*").

    Returns:
        The text without the calls, and the note numbers called, in order.
    """
    if not note_numbers:
        return text, []
    called: list[str] = []

    def _drop(match: re.Match[str]) -> str:
        kept, number = next((match.group(keep), match.group(call)) for keep, call in _CALL_GROUPS if match.group(call))
        number = number.translate(_FROM_SUPERSCRIPT)
        if number not in note_numbers:
            return match.group(0)
        called.append(number)
        return kept

    cleaned = _NOTE_CALL.sub(_drop, text)
    return cleaned, called


def join_lines(lines: list[str]) -> str:
    """Join hard-wrapped lines into one string.

    A line that ends with a hyphen glued to a word (``sous-``) is joined
    without a space: in French the hyphen belongs to the compound word.
    Only the end of the previous line is looked at, so joining is linear
    in the length of the paragraph.
    """
    parts: list[str] = []
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if parts and not _HYPHEN_AT_END.search(parts[-1][-2:]):
            parts.append(" ")
        parts.append(line)
    return re.sub(r"\s+", " ", "".join(parts))
