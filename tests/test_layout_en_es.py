"""The UN's layout in English and Spanish: four documents written blind (tests/data/un_en_es).

Real parsing, no mocks: masthead, page furniture, covering letters and their annexes, signatures,
dates, preambles and operative parts, sub-paragraphs, footnotes, headings, and citations worded
in each document's language. The questions of ``eval/un_en_es.jsonl`` are only measured with:
every gold string lies in exactly one paragraph, and a few questions find it first by BM25.
The Russian, Arabic and Chinese layout words are checked on short headings and dates.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_no_loss import assert_no_loss

from conftest import DATA, REPO
from rag.ingest.corpus import Document, Paragraph, load_corpus, parse_document
from rag.ingest.paragraphs import furniture_lines
from rag.languages.layout import find_date

UN_EN_ES = DATA / "un_en_es"
QUESTIONS = REPO / "eval" / "un_en_es.jsonl"
NORWAY_CITE = "Oslo Declaration (annex to the letter from Norway of 10 May 2023)"
MEXICO_CITE = "Plan de Acción de Tapachula (anexo de la carta de México de 14 de septiembre de 2021)"


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    documents = load_corpus(UN_EN_ES)
    keys = {"norway": "letter_norway", "resolution": "resolution", "mexico": "carta_mexico", "informe": "informe"}
    return {key: next(d for d in documents if part in d.info.source) for key, part in keys.items()}


def find(document: Document, quote: str) -> Paragraph:
    matches = [p for p in document.paragraphs if quote in p.text]
    assert len(matches) == 1, f"{quote!r} found in {len(matches)} paragraphs"
    return matches[0]


def labelled(document: Document, label: str, section: str | None = None) -> Paragraph:
    matches = [p for p in document.paragraphs if p.label == label and (section is None or p.section == section)]
    assert len(matches) == 1, f"{label!r} labels {len(matches)} paragraphs"
    return matches[0]


def labels(document: Document, section: str) -> list[str]:
    return [p.label for p in document.paragraphs if p.section == section and p.kind == "paragraph"]


def test_paragraph_counts(docs: dict[str, Document]) -> None:
    # Norway: masthead, letter heading, 3 letter paragraphs, signature, annex heading, title, date,
    # chapeau, 1 preambular paragraph, "Have agreed as follows:", 1-12 with 4 (a)-(c), footnote 1,
    # the "Follow-up" heading.
    # Resolution: masthead, sponsors, title, chapeau, 7 preambular paragraphs, 1-9 with 5 (a)-(c), 3 footnotes.
    # Mexico: masthead, letter heading, 3 letter paragraphs, signature, annex heading, title, date,
    # headings I-V, 1-13 with 6 a)-d), footnote 1.
    # Informe: masthead, title, subtitle, "Resumen" and its paragraph, footnote *, headings I-V,
    # 1-12 with 12 a)-c).
    counts = {key: len(document.paragraphs) for key, document in docs.items()}
    assert counts == {"norway": 29, "resolution": 26, "mexico": 32, "informe": 26}


def test_no_text_is_lost_only_page_furniture(docs: dict[str, Document]) -> None:
    for document in docs.values():
        text = (UN_EN_ES / document.info.source).read_text(encoding="utf-8")
        assert_no_loss(text, document.paragraphs)
        dropped = [text.splitlines()[n - 1].strip() for n in sorted(furniture_lines(text.splitlines()))]
        assert dropped and all(
            re.fullmatch(r"\d{2}-\d{5} \([ES]\) \d{6}|\*\d{7}\*|A/[\w./]+|\d/\d \d{2}-\d{5}|\d{2}-\d{5} \d/\d", line)
            for line in dropped
        ), dropped


def test_page_furniture_stays_out_of_the_paragraphs(docs: dict[str, Document]) -> None:
    for document in docs.values():
        for paragraph in document.paragraphs:
            assert not re.search(r"\d{2}-\d{5}|\*\d{7}\*|\b\d/\d\b|_{5}", paragraph.text), paragraph.text
        # the symbol is in the masthead only: the page headers that repeat it are gone
        assert [p.kind for p in document.paragraphs if document.info.symbol in p.text] == ["masthead"]


def test_numbered_paragraphs_keep_the_documents_numbers(docs: dict[str, Document]) -> None:
    expected = {"norway": 12, "resolution": 9, "mexico": 13, "informe": 12}
    for key, last in expected.items():
        assert [int(p.label) for p in docs[key].paragraphs if p.label.isdigit()] == list(range(1, last + 1))


def test_paragraph_8_of_the_oslo_declaration_is_whole_across_its_page_break(docs: dict[str, Document]) -> None:
    paragraph = labelled(docs["norway"], "8")
    assert paragraph.text.startswith("We recognize the importance of public-private partnerships")
    assert "information-sharing platforms bringing together financial intelligence units" in paragraph.text
    assert paragraph.text.endswith("with full respect for data protection and the right to privacy;")
    # lines 100-102 before the break, 110-112 after: the rule, the footnote, "2/3 23-08812" and
    # "A/77/893" between them are not part of it
    assert paragraph.source_lines == (100, 101, 102, 110, 111, 112)
    assert paragraph.citation == f"{NORWAY_CITE}, paragraph 8"
    assert paragraph.section == "Operative part" and paragraph.language == "en"


def test_paragraph_9_of_the_tapachula_plan_is_whole_across_its_page_break(docs: dict[str, Document]) -> None:
    paragraph = labelled(docs["mexico"], "9")
    assert "intercambio espontáneo de información financiera para detectar y decomisar el producto" in paragraph.text
    assert paragraph.text.endswith("tráfico ilícito de migrantes.")
    assert paragraph.citation == f"{MEXICO_CITE}, párrafo 9"
    assert paragraph.language == "es"


def test_draft_resolution_preamble_and_operative_part(docs: dict[str, Document]) -> None:
    resolution = docs["resolution"]
    assert labels(resolution, "Preamble") == ["chapeau"] + [f"preambular paragraph {n}" for n in range(1, 8)]
    operative = [str(n) for n in range(1, 10)]
    operative[5:5] = ["5 (a)", "5 (b)", "5 (c)"]
    assert labels(resolution, "Operative part") == operative
    # a preambular paragraph that ends with a note call ("…in 2021,2") is still one
    second = labelled(resolution, "preambular paragraph 2")
    assert second.text.endswith("held from 2 to 4 June 2021,")
    assert labelled(resolution, "preambular paragraph 3").citation == (
        "Draft resolution A/C.3/77/L.19, preambular paragraph 3"
    )
    assert labelled(resolution, "chapeau", "Preamble").text == "The General Assembly,"


def test_operative_paragraph_5_b_of_the_draft_resolution(docs: dict[str, Document]) -> None:
    paragraph = labelled(docs["resolution"], "5 (b)")
    assert paragraph.text == (
        "(b) To adopt such measures as may be necessary to allow confiscation of proceeds of corruption "
        "without a criminal conviction, where appropriate;"
    )
    assert paragraph.section == "Operative part"
    assert paragraph.citation == "Draft resolution A/C.3/77/L.19, operative paragraph 5 (b)"
    assert paragraph.id == "2022_resolution_corruption_draft/operative-part/5-b"
    # the chapeau of paragraph 5 stays paragraph 5
    assert labelled(docs["resolution"], "5").text.endswith("of their domestic law:")


def test_sub_paragraphs_in_spanish_keep_their_marks(docs: dict[str, Document]) -> None:
    assert [p.label for p in docs["mexico"].paragraphs if p.label.startswith("6")] == [
        "6", "6 a)", "6 b)", "6 c)", "6 d)",
    ]  # fmt: skip
    assert labelled(docs["mexico"], "6 c)").text == "c) Un período de reflexión y recuperación de al menos 90 días;"
    recommendation = labelled(docs["informe"], "12 b)")
    assert recommendation.text.startswith("b) Instar a los Estados Miembros")
    assert recommendation.citation == "Informe del Secretario General (A/79/143), párrafo 12 b)"
    assert [p.label for p in docs["norway"].paragraphs if p.label.startswith("4")] == ["4", "4 (a)", "4 (b)", "4 (c)"]


def test_footnotes_are_linked_to_the_paragraphs_that_call_them(docs: dict[str, Document]) -> None:
    norway = docs["norway"]
    note = labelled(norway, "footnote 1")
    assert (note.kind, note.section, note.text) == ("note", "Footnotes", "See resolution 60/288.")
    assert note.citation == f"{NORWAY_CITE}, footnote 1"
    calling = [p for p in norway.paragraphs if p.notes]
    assert [(p.label, p.notes) for p in calling] == [("preambular paragraph 1", ("1",))]
    # the call after the comma ("Strategy,1 the") is taken out of the text
    assert "Counter-Terrorism Strategy, the United Nations Convention" in calling[0].text

    resolution = docs["resolution"]
    assert [(p.label, p.notes) for p in resolution.paragraphs if p.notes] == [
        ("preambular paragraph 1", ("1",)),
        ("preambular paragraph 2", ("2",)),
        ("preambular paragraph 7", ("3",)),
    ]
    assert [p.text for p in resolution.paragraphs if p.kind == "note"] == [
        "United Nations, Treaty Series, vol. 2349, No. 42146.",
        "Resolution S-32/1, annex.",
        "A/77/134.",
    ]
    assert "Convention against Corruption, which entered" in labelled(resolution, "preambular paragraph 1").text

    mexico = docs["mexico"]
    first = labelled(mexico, "1")
    assert first.notes == ("1",) and "Especialmente Mujeres y Niños, y del" in first.text
    assert labelled(mexico, "nota 1").text == "Naciones Unidas, Treaty Series, vol. 2237, núm. 39574."
    # a decimal comma is no note call: "1,5 millones" with note 1 in the document
    assert "una contribución inicial de 1,5 millones de dólares" in labelled(mexico, "11").text

    informe = docs["informe"]
    star = labelled(informe, "nota *")
    assert star.text == "A/79/50."
    masthead = next(p for p in informe.paragraphs if p.kind == "masthead")
    assert masthead.notes == ("*",) and "Tema 108 de la lista preliminar Prevención" in masthead.text


def test_signatures_of_the_covering_letters(docs: dict[str, Document]) -> None:
    signature = find(docs["norway"], "(Signed) Ingrid Sæverud Lunde")
    assert (signature.kind, signature.label, signature.section) == ("signature", "signature", "Covering letter")
    assert signature.citation == "Letter from Norway of 10 May 2023, signature"
    assert signature.text.endswith("Ambassador Permanent Representative of Norway to the United Nations")
    firma = find(docs["mexico"], "(Firmado) Héctor Villaseñor Prado")
    assert (firma.kind, firma.label, firma.section) == ("signature", "firma", "Carta de envío")
    assert firma.citation == "Carta de México de 14 de septiembre de 2021, firma"


def test_covering_letters_are_their_own_section(docs: dict[str, Document]) -> None:
    assert labels(docs["norway"], "Covering letter") == ["paragraph 1", "paragraph 2", "paragraph 3"]
    assert labels(docs["mexico"], "Carta de envío") == ["párrafo 1", "párrafo 2", "párrafo 3"]
    second = find(docs["norway"], "The workshop, held in Oslo")
    assert second.citation == "Letter from Norway of 10 May 2023, paragraph 2"
    first = find(docs["mexico"], "Tengo el honor")
    assert first.citation == "Carta de México de 14 de septiembre de 2021, párrafo 1"
    annex = labelled(docs["norway"], "heading", "Annex")
    assert annex.text.startswith("Annex to the letter dated 10 May 2023 from the Permanent")
    assert labelled(docs["mexico"], "epígrafe", "Anexo").text.startswith("Anexo de la carta de fecha 14 de septiembre")


def test_declaration_parts_and_follow_up(docs: dict[str, Document]) -> None:
    norway = docs["norway"]
    assert labels(norway, "Preamble") == ["chapeau", "preambular paragraph 1"]
    assert labelled(norway, "chapeau", "Preamble").text.startswith("We, the representatives of Denmark")
    assert labelled(norway, "chapeau", "Operative part").text == "Have agreed as follows:"
    assert labelled(norway, "11").section == "Follow-up"
    assert labelled(norway, "11").citation == f"{NORWAY_CITE}, paragraph 11"
    assert labelled(norway, "date").text == "(26 April 2023)"


def test_headings_and_sections(docs: dict[str, Document]) -> None:
    assert [p.text for p in docs["mexico"].paragraphs if p.kind == "heading" and p.section[:1] in "IV"] == [
        "I. Objetivos",
        "II. Prevención",
        "III. Protección y asistencia a las víctimas",
        "IV. Cooperación internacional",
        "V. Financiación y seguimiento",
    ]
    assert labelled(docs["mexico"], "epígrafe", "IV. Cooperación internacional").citation == (
        f"{MEXICO_CITE}, sección IV, epígrafe"
    )
    assert labelled(docs["mexico"], "4").section == "II. Prevención"
    informe = docs["informe"]
    assert [p.text for p in informe.paragraphs if p.kind == "heading"] == [
        "Resumen",
        "I. Introducción",
        "II. Actividades de asistencia técnica",
        "III. Recursos financieros",
        "IV. Dificultades",
        "V. Conclusiones y recomendaciones",
    ]
    # a heading directly over its text ("   Resumen" / " El presente informe…") is cut from it
    summary = labelled(informe, "párrafo 1", "Resumen")
    assert summary.text.startswith("El presente informe se ha preparado")
    assert summary.citation == "Informe del Secretario General (A/79/143), Resumen, párrafo 1"
    assert labelled(informe, "8").citation == "Informe del Secretario General (A/79/143), párrafo 8"
    sponsors = labelled(docs["resolution"], "sponsors")
    assert (sponsors.kind, sponsors.text) == (  # who submits the draft: content, not a heading
        "sponsors",
        "Costa Rica, Ghana, Indonesia, Norway and Peru: draft resolution",
    )


def test_mastheads(docs: dict[str, Document]) -> None:
    expected = {
        "norway": ("masthead", "United Nations A/77/893 General Assembly Distr.: General 12 May 2023", "A/77/893"),
        "resolution": ("masthead", "United Nations A/C.3/77/L.19 General Assembly Distr.: Limited", "A/C.3/77/L.19"),
        "mexico": ("cabecera", "Naciones Unidas A/76/352 Asamblea General Distr. general 17 de septiembre", "A/76/352"),
        "informe": ("cabecera", "Naciones Unidas A/79/143 Asamblea General Distr. general 8 de julio", "A/79/143"),
    }
    for key, (label, opening, symbol) in expected.items():
        masthead = docs[key].paragraphs[0]
        assert (masthead.kind, masthead.label, masthead.section) == ("masthead", label, "")
        assert masthead.text.startswith(opening)
        assert masthead.citation == f"{symbol}, {label}"
        assert docs[key].info.symbol == symbol
    agenda = (
        "Agenda items 108 and 109 Measures to eliminate international terrorism Crime prevention and criminal justice"
    )
    assert docs["norway"].paragraphs[0].text.endswith(agenda)


def test_metadata_of_the_four_documents(docs: dict[str, Document]) -> None:
    norway = docs["norway"].info
    assert (norway.kind, norway.language, norway.date, norway.letter_date) == (
        "letter_with_annex", "en", "2023-04-26", "2023-05-10",
    )  # fmt: skip
    assert norway.title == (
        "Oslo Declaration on Regional Cooperation against the Financing of Terrorism and Transnational Organized Crime"
    )
    assert norway.short_title == "Oslo Declaration"
    assert norway.letter == (
        "Letter dated 10 May 2023 from the Permanent Representative of Norway to the United Nations "
        "addressed to the Secretary-General"
    )
    assert norway.letter_ref == "letter from Norway of 10 May 2023"
    assert norway.sender == "Permanent Representative of Norway to the United Nations"
    assert norway.signatory == "Ingrid Sæverud Lunde"

    resolution = docs["resolution"].info
    assert (resolution.kind, resolution.language, resolution.date) == ("draft_resolution", "en", "2022-10-11")
    assert resolution.title == (
        "Strengthening international cooperation for the prevention of corruption and the recovery and return "
        "of stolen assets"
    )
    assert (resolution.letter, resolution.signatory, resolution.symbol) == (None, None, "A/C.3/77/L.19")

    mexico = docs["mexico"].info
    assert (mexico.kind, mexico.language, mexico.date, mexico.letter_date) == (
        "letter_with_annex", "es", "2021-08-27", "2021-09-14",
    )  # fmt: skip
    assert mexico.short_title == "Plan de Acción de Tapachula"
    assert mexico.letter == (
        "Carta de fecha 14 de septiembre de 2021 dirigida al Secretario General por el Representante Permanente "
        "de México ante las Naciones Unidas"
    )
    assert mexico.letter_ref == "carta de México de 14 de septiembre de 2021"
    assert mexico.sender == "Representante Permanente de México ante las Naciones Unidas"
    assert mexico.signatory == "Héctor Villaseñor Prado"

    informe = docs["informe"].info
    assert (informe.kind, informe.language, informe.date, informe.symbol) == ("report", "es", "2024-07-08", "A/79/143")
    assert informe.title.startswith("Asistencia técnica prestada por la Oficina de las Naciones Unidas")
    assert informe.short_title == "Informe del Secretario General (A/79/143)"


def test_paragraphs_are_in_their_documents_language(docs: dict[str, Document]) -> None:
    for document in docs.values():
        prose = [p for p in document.paragraphs if p.kind == "paragraph" and len(p.text.split()) >= 8]
        assert prose and {p.language for p in prose} == {document.info.language}


def test_ids_are_unique(docs: dict[str, Document]) -> None:
    ids = [p.id for document in docs.values() for p in document.paragraphs]
    assert len(ids) == len(set(ids))
    assert "2023-05-10_letter_norway_oslo_workshop_declaration/operative-part/8" in ids
    assert "2021-09-14_carta_mexico_plan_accion_trata/iv-cooperacion-internacional/9" in ids


def questions() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_gold_string_is_in_exactly_one_paragraph(docs: dict[str, Document]) -> None:
    paragraphs = [p for document in docs.values() for p in document.paragraphs]
    golds = [(q["id"], gold) for q in questions() for gold in q.get("gold", [])]
    assert len(golds) >= 50
    misplaced = {
        (qid, gold, n) for qid, gold in golds if (n := sum(gold in p.text for p in paragraphs)) != 1
    }  # fmt: skip
    assert not misplaced


@pytest.mark.usefixtures("fake_embeddings")
@pytest.mark.parametrize(
    "qid",
    [
        "m002",  # en: experts at the Oslo workshop (covering letter)
        "m009",  # en: the expert meeting of operative paragraph 6
        "m035",  # en: the Stolen Asset Recovery Initiative (operative paragraph 7)
        "m046",  # en: footnote 1 of the Oslo Declaration
        "m010",  # es: Mexico's contribution (paragraph 11 of the plan)
        "m014",  # es: activities in 2023 (paragraph 3 of the report)
        "m021",  # es: paragraph 9 of the plan, after its page break
        "m033",  # es: the network of prosecutors (paragraph 8 of the plan)
    ],
)
def test_questions_find_their_paragraph_first_by_bm25(
    qid: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rag.config import Settings
    from rag.indexing.index import build_index, read_manifest
    from rag.search.retrieve import ParagraphIndex

    monkeypatch.setenv("RAG_CORPUS_DIR", str(UN_EN_ES))
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))
    build_index(Settings())
    question = next(q for q in questions() if q["id"] == qid)
    hits = ParagraphIndex(Settings()).search(question["question"], 5, mode="bm25")
    assert any(gold in hits[0].entry.text for gold in question["gold"]), [hit.entry.citation for hit in hits]
    if qid == "m046":  # the index links the footnote to the paragraph that calls it
        entries = {entry.para_id: entry for entry in read_manifest(Settings()).entries}
        recalling = entries["2023-05-10_letter_norway_oslo_workshop_declaration/preamble/preambular-paragraph-1"]
        assert recalling.notes == ("2023-05-10_letter_norway_oslo_workshop_declaration/footnotes/footnote-1",)


@pytest.mark.parametrize(
    ("text", "iso", "language"),
    [
        ("le 29 novembre 2006", "2006-11-29", "fr"),
        ("1er mars 2005", "2005-03-01", "fr"),
        ("dated 10 May 2023 from", "2023-05-10", "en"),
        ("de fecha 14 de septiembre de 2021 dirigida", "2021-09-14", "es"),
        ("от 10 мая 2023 года на имя", "2023-05-10", "ru"),
        ("مؤرخة 10 أيار/مايو 2023 موجهة", "2023-05-10", "ar"),
        ("2023年5月10日挪威常驻联合国代表", "2023-05-10", "zh"),
    ],
)
def test_dates_in_the_uns_languages(text: str, iso: str, language: str) -> None:
    found = find_date(text)
    assert found is not None and (found[0], found[2].language) == (iso, language)


LETTERS = {
    "ru": (
        "Организация Объединенных Наций A/77/893\n\n"
        "   Письмо Постоянного представителя Норвегии при Организации Объединенных Наций от 10 мая 2023 года "
        "на имя Генерального секретаря\n\n"
        " Имею честь настоящим препроводить текст Декларации Осло о региональном сотрудничестве в борьбе "
        "с финансированием терроризма (см. приложение).\n\n"
        "(Подпись) Ингрид Сэверуд Лунде\n\n"
        "   Приложение к письму Постоянного представителя Норвегии при Организации Объединенных Наций "
        "от 10 мая 2023 года на имя Генерального секретаря\n\n"
        "   Декларация Осло о региональном сотрудничестве в борьбе с финансированием терроризма\n\n"
        " 1. Мы выражаем признательность правительству Норвегии за проведение семинара;\n"
    ),
    "ar": (
        "الأمم المتحدة A/77/893\n\n"
        "   رسالة مؤرخة 10 أيار/مايو 2023 موجهة إلى الأمين العام من الممثل الدائم للنرويج لدى الأمم المتحدة\n\n"
        " يشرفني أن أحيل إليكم طيه نص إعلان أوسلو بشأن التعاون الإقليمي في مكافحة تمويل الإرهاب (انظر المرفق).\n\n"
        "(توقيع) إنغريد سيفيرود لوندي\n\n"
        "   مرفق الرسالة المؤرخة 10 أيار/مايو 2023 الموجهة إلى الأمين العام من الممثل الدائم للنرويج "
        "لدى الأمم المتحدة\n\n"
        "   إعلان أوسلو بشأن التعاون الإقليمي في مكافحة تمويل الإرهاب\n\n"
        " 1 - نعرب عن امتناننا لحكومة النرويج لاستضافتها حلقة العمل؛\n"
    ),
    "zh": (
        "联合国 A/77/893\n\n"
        "   2023年5月10日挪威常驻联合国代表给秘书长的信\n\n"
        " 谨随函转递《关于区域合作打击资助恐怖主义和跨国有组织犯罪的奥斯陆宣言》案文（见附件）。\n\n"
        "(签名) 英格丽德·塞韦鲁德·伦德\n\n"
        "   2023年5月10日挪威常驻联合国代表给秘书长的信的附件\n\n"
        "   关于区域合作打击资助恐怖主义和跨国有组织犯罪的奥斯陆宣言\n\n"
        " 1. 我们感谢挪威政府主办讲习班；\n"
    ),
}


@pytest.mark.parametrize(
    ("language", "signature", "citation"),
    [
        ("ru", "подпись", "Декларация Осло (приложение к письму Норвегии от 10 мая 2023 года), пункт 1"),
        ("ar", "التوقيع", "إعلان أوسلو (مرفق رسالة الممثل الدائم للنرويج المؤرخة 10 أيار/مايو 2023)، الفقرة 1"),
        (
            "zh",
            "签名",
            "关于区域合作打击资助恐怖主义和跨国有组织犯罪的奥斯陆宣言（挪威2023年5月10日来信的附件），第1段",
        ),
    ],
)
def test_letters_in_russian_arabic_and_chinese(language: str, signature: str, citation: str) -> None:
    document = parse_document(f"{language}.txt", LETTERS[language])
    info = document.info
    assert (info.language, info.kind, info.letter_date, info.symbol) == (
        language, "letter_with_annex", "2023-05-10", "A/77/893",
    )  # fmt: skip
    assert [p.kind for p in document.paragraphs] == [
        "masthead", "heading", "paragraph", "signature", "heading", "title", "paragraph",
    ]  # fmt: skip
    assert document.paragraphs[3].label == signature
    assert document.paragraphs[-1].label == "1"
    assert document.paragraphs[-1].citation == citation


@pytest.fixture(scope="module")
def un_en_es_assistant(tmp_path_factory: pytest.TempPathFactory):
    """An assistant over the four documents (BM25 only: fake vectors carry no meaning)."""
    from langchain_core.embeddings import DeterministicFakeEmbedding

    import rag.indexing.embeddings
    from rag import Assistant
    from rag.config import Settings
    from rag.indexing.index import build_index

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rag.indexing.embeddings, "load_embeddings", lambda name, *_: DeterministicFakeEmbedding(size=32))
        for name, value in {
            "RAG_CORPUS_DIR": str(UN_EN_ES),
            "RAG_INDEX_DIR": str(tmp_path_factory.mktemp("un_en_es") / "index"),
            "RAG_QUERY_ENCODER": "full",
            "RAG_DENSE_WEIGHT": "0",
            "RAG_DENSE_WEIGHT_OTHER_LANGUAGE": "0",
        }.items():
            patch.setenv(name, value)
        build_index(Settings())
        yield Assistant(Settings())


def test_a_paragraph_that_introduces_a_list_is_quoted_with_its_sub_paragraphs(un_en_es_assistant) -> None:
    answer = un_en_es_assistant.ask(
        "¿A qué servicios tendrán acceso las víctimas de la trata, sin que ello dependa de su cooperación "
        "con las autoridades?"
    )
    quoted = [citation.para_id.rsplit("/", 1)[1] for citation in answer.citations]
    assert quoted[:5] == ["6", "6-a", "6-b", "6-c", "6-d"], answer.text
    assert "Permisos de residencia temporal" in answer.text


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("¿Qué se propone en el apartado b) de la sección V del informe de 2024?", "12 b)"),
        ("What does subparagraph (c) of paragraph 5 of the draft resolution ask of States parties?", "5 (c)"),
    ],
)
def test_a_sub_paragraph_cited_by_its_mark_is_quoted(un_en_es_assistant, question: str, label: str) -> None:
    answer = un_en_es_assistant.ask(question)
    assert answer.citations and answer.citations[0].paragraph == label, (answer.text, answer.confidence)
