"""The assistant's fixed sentences, in the UN's six languages and German; English for any other.

An answer speaks the question's language; the quotes it gives stay in their documents' language.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "empty": {
        "en": "Please ask a question about the documents.",
        "fr": "Posez une question sur les documents.",
        "es": "Haga una pregunta sobre los documentos.",
        "ru": "Задайте вопрос о документах.",
        "ar": "يُرجى طرح سؤال عن الوثائق.",
        "zh": "请就这些文件提出问题。",
        "de": "Bitte stellen Sie eine Frage zu den Dokumenten.",
    },
    "too_long": {
        "en": "The question is too long ({length} characters, at most {limit}). Please shorten it.",
        "fr": "La question est trop longue ({length} caractères, au plus {limit}). Raccourcissez-la.",
        "es": "La pregunta es demasiado larga ({length} caracteres, como máximo {limit}). Acórtela.",
        "ru": "Вопрос слишком длинный ({length} символов, не более {limit}). Сократите его.",
        "ar": "السؤال طويل جدًا ({length} حرفًا، والحد الأقصى {limit}). يُرجى اختصاره.",
        "zh": "问题太长（{length} 个字符，最多 {limit} 个）。请缩短。",
        "de": "Die Frage ist zu lang ({length} Zeichen, höchstens {limit}). Bitte kürzen Sie sie.",
    },
    "unreachable": {
        "en": "The model server ({where}) could not be reached: here is the answer extracted from the documents.",
        "fr": "Le serveur du modèle ({where}) n’a pas pu être joint : voici la réponse extraite des documents.",
        "es": "No se pudo contactar con el servidor del modelo ({where}): esta es la respuesta extraída de los "
        "documentos.",
        "ru": "Не удалось связаться с сервером модели ({where}): вот ответ, извлечённый из документов.",
        "ar": "تعذّر الوصول إلى خادم النموذج ({where}): هذه هي الإجابة المستخرجة من الوثائق.",
        "zh": "无法连接模型服务器（{where}）：以下是从文件中摘录的回答。",
        "de": "Der Modellserver ({where}) war nicht erreichbar: Hier ist die aus den Dokumenten entnommene Antwort.",
    },
    "fallback": {
        "en": "The model's answer failed citation checks ({reason}): here is the answer extracted from the documents.",
        "fr": "La réponse du modèle n’a pas passé la vérification des citations ({reason}) : "
        "voici la réponse extraite des documents.",
        "es": "La respuesta del modelo no superó la verificación de las citas ({reason}): esta es la respuesta "
        "extraída de los documentos.",
        "ru": "Ответ модели не прошёл проверку цитат ({reason}): вот ответ, извлечённый из документов.",
        "ar": "لم تجتز إجابة النموذج التحقق من الاستشهادات ({reason}): هذه هي الإجابة المستخرجة من الوثائق.",
        "zh": "模型的回答未通过引文核查（{reason}）：以下是从文件中摘录的回答。",
        "de": "Die Antwort des Modells hat die Prüfung der Zitate nicht bestanden ({reason}): Hier ist die aus "
        "den Dokumenten entnommene Antwort.",
    },
    "nothing_verified": {
        "en": "no verified sentence",
        "fr": "aucune phrase vérifiée",
        "es": "ninguna frase verificada",
        "ru": "ни одно предложение не подтверждено",
        "ar": "لم يتم التحقق من أي جملة",
        "zh": "没有经过核实的句子",
        "de": "kein Satz bestätigt",
    },
    "abstain": {
        "en": "The documents available do not answer this question.",
        "fr": "Les documents disponibles ne permettent pas de répondre à cette question.",
        "es": "Los documentos disponibles no responden a esta pregunta.",
        "ru": "Имеющиеся документы не дают ответа на этот вопрос.",
        "ar": "لا تجيب الوثائق المتاحة عن هذا السؤال.",
        "zh": "现有文件未回答这一问题。",
        "de": "Die verfügbaren Dokumente beantworten diese Frage nicht.",
    },
    "unmentioned": {
        "en": "None of the documents speaks of “{}”.",
        "fr": "Aucun des documents ne parle de « {} ».",
        "es": "Ninguno de los documentos habla de «{}».",
        "ru": "Ни в одном из документов не говорится о «{}».",
        "ar": "لا تتحدث أي من الوثائق عن «{}».",
        "zh": "没有任何文件提到“{}”。",
        "de": "Keines der Dokumente spricht von „{}“.",
    },
    "unaddressed": {
        "en": "None of the paragraphs found speaks of “{}”.",
        "fr": "Aucun des paragraphes trouvés ne parle de « {} ».",
        "es": "Ninguno de los párrafos encontrados habla de «{}».",
        "ru": "Ни в одном из найденных пунктов не говорится о «{}».",
        "ar": "لا تتحدث أي من الفقرات التي عُثر عليها عن «{}».",
        "zh": "找到的段落中没有任何一段提到“{}”。",
        "de": "Keiner der gefundenen Absätze spricht von „{}“.",
    },
    "intro": {
        "en": "Here is what the documents say:",
        "fr": "Voici ce que disent les documents :",
        "es": "Esto es lo que dicen los documentos:",
        "ru": "Вот что говорится в документах:",
        "ar": "هذا ما تقوله الوثائق:",
        "zh": "文件原文如下：",
        "de": "Das sagen die Dokumente:",
    },
    # The quotes are not in the question's language: say so, and in which language they are.
    "intro_other_language": {
        "en": "Here is what the documents say (quoted in the original, {languages}):",
        "fr": "Voici ce que disent les documents (cités dans l’original, {languages}) :",
        "es": "Esto es lo que dicen los documentos (citados en el original, {languages}):",
        "ru": "Вот что говорится в документах (цитаты на языке оригинала: {languages}):",
        "ar": "هذا ما تقوله الوثائق (مقتبسة بلغتها الأصلية: {languages}):",
        "zh": "文件原文如下（引文为原文：{languages}）：",
        "de": "Das sagen die Dokumente (im Original zitiert, {languages}):",
    },
    "lines": {
        "en": "lines {first}–{last}",
        "fr": "lignes {first}–{last}",
        "es": "líneas {first}–{last}",
        "ru": "строки {first}–{last}",
        "ar": "الأسطر {first}–{last}",
        "zh": "第 {first}–{last} 行",
        "de": "Zeilen {first}–{last}",
    },
    "page": {
        "en": "page {page}",
        "fr": "page {page}",
        "es": "página {page}",
        "ru": "страница {page}",
        "ar": "الصفحة {page}",
        "zh": "第 {page} 页",
        "de": "Seite {page}",
    },
    "pages": {
        "en": "pages {first}–{last}",
        "fr": "pages {first}–{last}",
        "es": "páginas {first}–{last}",
        "ru": "страницы {first}–{last}",
        "ar": "الصفحات {first}–{last}",
        "zh": "第 {first}–{last} 页",
        "de": "Seiten {first}–{last}",
    },
    "weak_support": {
        "en": "These paragraphs are the closest the documents come to the question, but they may not answer it: "
        "check them before relying on them.",
        "fr": "Ces paragraphes sont ce que les documents ont de plus proche de la question, mais ils n’y "
        "répondent peut-être pas : vérifiez-les avant de vous y fier.",
        "es": "Estos párrafos son lo más cercano a la pregunta que contienen los documentos, pero puede que no la "
        "respondan: verifíquelos antes de basarse en ellos.",
        "ru": "Эти пункты ближе всего к вопросу, но, возможно, не отвечают на него: проверьте их, прежде чем на "
        "них опираться.",
        "ar": "هذه الفقرات هي الأقرب إلى السؤال في الوثائق، لكنها قد لا تجيب عنه: يُرجى التحقق منها قبل الاعتماد عليها.",
        "zh": "这些段落是文件中与问题最接近的内容，但可能并未回答该问题：请在依据之前加以核实。",
        "de": "Diese Absätze kommen der Frage in den Dokumenten am nächsten, beantworten sie aber vielleicht "
        "nicht: Prüfen Sie sie, bevor Sie sich darauf stützen.",
    },
}

# Each language's name in the languages of the messages, for "quoted in the original, French".
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "en": {"en": "English", "fr": "anglais", "es": "inglés", "ru": "английский", "ar": "الإنكليزية",
           "zh": "英文", "de": "Englisch"},
    "fr": {"en": "French", "fr": "français", "es": "francés", "ru": "французский", "ar": "الفرنسية",
           "zh": "法文", "de": "Französisch"},
    "es": {"en": "Spanish", "fr": "espagnol", "es": "español", "ru": "испанский", "ar": "الإسبانية",
           "zh": "西班牙文", "de": "Spanisch"},
    "ru": {"en": "Russian", "fr": "russe", "es": "ruso", "ru": "русский", "ar": "الروسية",
           "zh": "俄文", "de": "Russisch"},
    "ar": {"en": "Arabic", "fr": "arabe", "es": "árabe", "ru": "арабский", "ar": "العربية",
           "zh": "阿拉伯文", "de": "Arabisch"},
    "zh": {"en": "Chinese", "fr": "chinois", "es": "chino", "ru": "китайский", "ar": "الصينية",
           "zh": "中文", "de": "Chinesisch"},
    "de": {"en": "German", "fr": "allemand", "es": "alemán", "ru": "немецкий", "ar": "الألمانية",
           "zh": "德文", "de": "Deutsch"},
}  # fmt: skip


def message(key: str, language: str) -> str:
    """A fixed sentence in a language; in English for a language it is not written in."""
    wording = MESSAGES[key]
    return wording.get(language, wording["en"])


def language_name(code: str, language: str) -> str:
    """The name of language ``code`` in ``language`` ("fr" in English: "French"); the code itself
    for a language without a name here."""
    names = LANGUAGE_NAMES.get(code, {})
    return names.get(language) or names.get("en") or code


def quotes_intro(language: str, quoted: list[str]) -> str:
    """The line before the quotes: it says in which language they are when that is not the question's."""
    others = [code for code in dict.fromkeys(quoted) if code != language]
    if not others:
        return message("intro", language)
    names = ", ".join(language_name(code, language) for code in dict.fromkeys(quoted))
    return message("intro_other_language", language).format(languages=names)


def place(lines: tuple[int, int], pages: tuple[int, int] | None, language: str) -> str:
    """Where a paragraph is in its file, in ``language``: "page 3", "pages 3–4" where the file has
    pages (a PDF), else "lines 12–15"."""
    if pages:
        first, last = pages
        if first == last:
            return message("page", language).format(page=first)
        return message("pages", language).format(first=first, last=last)
    return message("lines", language).format(first=lines[0], last=lines[1])
