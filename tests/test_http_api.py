"""`rag serve`: a real uvicorn on loopback, spoken to with httpx and the official openai client."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from pydantic import SecretStr

from conftest import CORPUS
from live_server import fake_index, live_server, rag_command
from rag.answering.answer import Answer
from rag.answering.assistant import Assistant
from rag.config import Settings
from rag.indexing.index import build_index
from rag.interfaces.cli import main
from rag.interfaces.http_api import ServeConfigError, check_exposure, create_app, is_loopback
from rag.interfaces.records import AnswerRecord
from rag.interfaces.service import Service
from rag.search.retrieve import ParagraphIndex
from rag.search.retriever import to_document
from test_serving import listening_addresses

pytestmark = pytest.mark.slow  # starts servers

QUESTION = "Qui a signé la lettre de la Turquie ?"
ANTALYA = "Quand s'est tenu le Séminaire d'Antalya ?"


@pytest.fixture(scope="module")
def http(served_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served_url, timeout=30) as client:
        yield client


def error_of(response: httpx.Response, status: int) -> dict[str, str]:
    """The JSON error of a refused request: a message, and never a stack trace."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "Traceback" not in response.text and 'File "' not in response.text
    error = response.json()["error"]
    assert error["message"] and error["code"] and error["type"]
    return error


def sse_events(response: httpx.Response) -> list[tuple[str, dict]]:
    events = []
    for block in response.text.split("\n\n"):
        if not block.strip():
            continue
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields.get("event", "message"), json.loads(fields["data"])))
    return events


def test_health_ready_and_openapi(http: httpx.Client) -> None:
    assert http.get("/health").json() == {"status": "ok"}
    deadline = time.monotonic() + 30  # the warm-up runs in the background
    while (ready := http.get("/ready")).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ready.status_code == 200 and ready.json()["ready"] is True
    assert ready.json()["documents"] == 5 and ready.json()["paragraphs"] == 165
    assert "swagger" in http.get("/docs").text.lower()
    paths = http.get("/openapi.json").json()["paths"]
    for path in ("/v1/retrieve", "/v1/ask", "/v1/documents", "/v1/paragraphs/{para_id}", "/v1/chat/completions"):
        assert path in paths


def test_retrieve_gives_every_field_and_the_retrievers_documents(http: httpx.Client, served_settings: Settings) -> None:
    response = http.post("/v1/retrieve", json={"question": ANTALYA, "k": 3})
    assert response.status_code == 200, response.text
    paragraphs = response.json()["paragraphs"]
    assert len(paragraphs) == 3
    expected = ParagraphIndex(served_settings).search(ANTALYA, 3)
    for paragraph, hit in zip(paragraphs, expected, strict=True):
        assert paragraph["para_id"] == hit.entry.para_id and paragraph["score"] == hit.score
        for field in ("text", "citation", "source", "lines", "doc_title", "letter", "section", "paragraph", "kind"):
            assert field in paragraph
        assert {key: paragraph[key] for key in to_document(hit).metadata} == to_document(hit).metadata
    assert "Antalya" in paragraphs[0]["text"]


def test_retrieve_filters_by_document_and_mode(http: httpx.Client) -> None:
    body = {"question": "terrorisme", "k": 4, "documents": ["roumanie"], "mode": "bm25"}
    paragraphs = http.post("/v1/retrieve", json=body).json()["paragraphs"]
    assert len(paragraphs) == 4
    assert all("roumanie" in paragraph["source"] for paragraph in paragraphs)
    assert all(paragraph["lexical_rank"] is not None for paragraph in paragraphs)


def test_ask_answers_as_the_assistant_does(http: httpx.Client, served_settings: Settings) -> None:
    response = http.post("/v1/ask", json={"question": QUESTION})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer == AnswerRecord.of_answer(Assistant(served_settings).ask(QUESTION)).model_dump()
    assert not answer["abstained"] and "[1]" in answer["text"]
    citation = answer["citations"][0]
    assert "Pamir" in citation["quote"] and citation["citation"].startswith("Lettre de la Turquie")
    for field in ("weak_support", "confidence", "mode", "notice"):
        assert field in answer


def test_ask_with_history_makes_the_follow_up_standalone(http: httpx.Client) -> None:
    history = [{"role": "user", "content": ANTALYA}, {"role": "assistant", "content": "Du 23 au 25 février 2004."}]
    answer = http.post("/v1/ask", json={"question": "Et où ?", "history": history}).json()
    assert "Antalya" in answer["standalone_question"]


def test_ask_streams_text_then_the_answer_with_its_citations(http: httpx.Client) -> None:
    whole = http.post("/v1/ask", json={"question": QUESTION}).json()
    response = http.post("/v1/ask", json={"question": QUESTION, "stream": True})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response)
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "answer" and set(kinds[:-1]) == {"text"} and len(kinds) >= 2
    assert "".join(data["text"] for _, data in events[:-1]) == whole["text"]
    assert events[-1][1] == whole


def test_documents_and_paragraphs(http: httpx.Client) -> None:
    documents = http.get("/v1/documents").json()["documents"]
    assert len(documents) == 5 and sum(document["paragraphs"] for document in documents) == 165
    turquie = next(document for document in documents if "turquie" in document["source"])
    assert turquie["letter"].startswith("Lettre datée du 12 avril 2004") and turquie["date"] == "2004-02-25"
    found = http.post("/v1/retrieve", json={"question": ANTALYA, "k": 1}).json()["paragraphs"][0]
    paragraph = http.get(f"/v1/paragraphs/{found['para_id']}").json()
    assert paragraph["text"] == found["text"] and paragraph["score"] is None
    encoded = http.get("/v1/paragraphs/" + found["para_id"].replace("/", "%2F"))
    assert encoded.json()["para_id"] == found["para_id"]
    error = error_of(http.get("/v1/paragraphs/nothing/like-this"), 404)
    assert "nothing/like-this" in error["message"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"question": "   "}, 400, "empty"),
        ({"question": "x" * 2001}, 400, "2001 characters; the limit is 2000"),
        ({"question": "Et ?", "k": 0}, 422, "k"),
        ({"question": "Et ?", "mode": "fuzzy"}, 422, "mode"),
        ({"k": 3}, 422, "question"),
        ({"question": "Et ?", "unknown": 1}, 422, "unknown"),
        ({"question": "Et ?", "history": [{"role": "system", "content": "x"}]}, 422, "role"),
        ({"question": "Et ?", "history": [{"role": "user", "content": "x"}] * 21}, 400, "21 turns; the limit is 20"),
    ],
)
def test_bad_requests_get_a_message(http: httpx.Client, body: dict, status: int, words: str) -> None:
    for path in ("/v1/ask", "/v1/retrieve"):
        if "history" in body and path == "/v1/retrieve":
            continue
        assert words in error_of(http.post(path, json=body), status)["message"]


def test_wrong_json_huge_bodies_and_unknown_routes(http: httpx.Client) -> None:
    headers = {"content-type": "application/json"}
    assert "not valid JSON" in error_of(http.post("/v1/ask", content=b'{"question": ', headers=headers), 422)["message"]
    huge = json.dumps({"question": "Et ?", "history": [{"role": "user", "content": "x" * 70_000}]})
    assert "65536 bytes" in error_of(http.post("/v1/ask", content=huge, headers=headers), 413)["message"]

    def chunked() -> Iterator[bytes]:  # no Content-Length: the limit counts what arrives
        yield b'{"question": "'
        for _ in range(80):
            yield b"x" * 1000
        yield b'"}'

    error_of(http.post("/v1/ask", content=chunked(), headers=headers), 413)
    assert "/docs" in error_of(http.get("/v2/nothing"), 404)["message"]
    error_of(http.get("/v1/ask"), 405)


def test_a_missing_index_is_not_ready_with_a_message(tmp_path: Path, served_settings: Settings) -> None:
    empty = served_settings.model_copy(update={"index_dir": tmp_path / "no-index"})
    with live_server(create_app(Service.from_settings(empty))) as url, httpx.Client(base_url=url) as http:
        assert http.get("/health").status_code == 200
        deadline = time.monotonic() + 30
        while "Loading" in (ready := http.get("/ready")).json()["message"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.status_code == 503 and ready.json()["ready"] is False
        assert "rag index" in ready.json()["message"]
        for path, body in (("/v1/ask", {"question": QUESTION}), ("/v1/retrieve", {"question": QUESTION})):
            assert "rag index" in error_of(http.post(path, json=body), 503)["message"]
        assert "rag index" in error_of(http.get("/v1/documents"), 503)["message"]


def test_api_keys_are_comma_separated_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_API_KEYS", "k1, s3cret")
    monkeypatch.setenv("RAG_CORS_ORIGINS", "http://portal.example,http://intranet.example")
    settings = Settings()
    assert [key.get_secret_value() for key in settings.api_keys] == ["k1", "s3cret"]
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings.model_dump())
    assert settings.cors_origins == ["http://portal.example", "http://intranet.example"]


def test_api_keys_and_cors(served_settings: Settings) -> None:
    keyed = served_settings.model_copy(
        update={"api_keys": [SecretStr("k1"), SecretStr("s3cret")], "cors_origins": ["http://portal.example"]}
    )
    with live_server(create_app(Service.from_settings(keyed))) as url, httpx.Client(base_url=url) as http:
        assert http.get("/health").status_code == 200  # the one route without a key
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "s3cret"}):
            error = error_of(http.get("/v1/documents", headers=headers), 401)
            assert "Authorization: Bearer" in error["message"]
        assert http.get("/docs").status_code == 200  # the description, with its Authorize button
        assert "HTTPBearer" in http.get("/openapi.json").json()["components"]["securitySchemes"]
        assert http.get("/v1/documents", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        messages = [{"role": "user", "content": QUESTION}]
        chat = openai.OpenAI(base_url=f"{url}/v1", api_key="s3cret", max_retries=0)  # the key as a bearer token
        assert "[1]" in chat.chat.completions.create(model="rag", messages=messages).choices[0].message.content
        with pytest.raises(openai.AuthenticationError, match="API key"):
            chat.with_options(api_key="wrong").chat.completions.create(model="rag", messages=messages)
        preflight = {"Origin": "http://portal.example", "Access-Control-Request-Method": "POST"}
        allowed = http.options("/v1/ask", headers=preflight)
        assert allowed.headers["access-control-allow-origin"] == "http://portal.example"
        refused = http.options("/v1/ask", headers={**preflight, "Origin": "http://elsewhere.example"})
        assert "access-control-allow-origin" not in refused.headers


def test_cors_is_off_by_default(http: httpx.Client) -> None:
    response = http.get("/health", headers={"Origin": "http://portal.example"})
    assert "access-control-allow-origin" not in response.headers


def test_a_slow_request_meets_the_deadline(served_settings: Settings) -> None:
    service = Service.from_settings(served_settings.model_copy(update={"request_timeout": 0.3}))
    service.assistant.search = lambda *args, **kwargs: time.sleep(2) or []
    with live_server(create_app(service, warm_up=False)) as url, httpx.Client(base_url=url) as http:
        started = time.monotonic()
        error = error_of(http.post("/v1/retrieve", json={"question": ANTALYA}), 504)
        assert time.monotonic() - started < 1.5 and "RAG_REQUEST_TIMEOUT" in error["message"]


async def test_questions_beyond_the_workers_wait_their_turn_within_the_deadline(served_settings: Settings) -> None:
    service = Service.from_settings(served_settings.model_copy(update={"request_timeout": 1.2, "serve_workers": 1}))
    service.assistant.search = lambda *args, **kwargs: time.sleep(0.8) or []
    with live_server(create_app(service, warm_up=False)) as url:
        async with httpx.AsyncClient(base_url=url, timeout=10) as http:
            body = {"question": ANTALYA}

            async def probe() -> float:  # a health probe does not queue behind the questions
                await asyncio.sleep(0.2)
                started = time.monotonic()
                assert (await http.get("/ready")).status_code == 200
                return time.monotonic() - started

            first, second, probed = await asyncio.gather(
                http.post("/v1/retrieve", json=body), http.post("/v1/retrieve", json=body), probe()
            )
    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [200, 504], (first.text, second.text)
    assert probed < 0.5


def test_an_unexpected_failure_is_a_json_500_without_details(served_settings: Settings) -> None:
    def broken(*args: object, **kwargs: object) -> list:
        raise RuntimeError("/secret/path/of/the/server")

    service = Service.from_settings(served_settings)
    service.assistant.search = broken
    with live_server(create_app(service, warm_up=False)) as url, httpx.Client(base_url=url) as http:
        response = http.post("/v1/retrieve", json={"question": ANTALYA})
        assert error_of(response, 500)["code"] == "internal_error"
        assert "secret" not in response.text


def test_a_slow_stream_ends_with_an_error_event(served_settings: Settings) -> None:
    def slow_stream(*args: object, **kwargs: object) -> Iterator[str | Answer]:
        yield "Début."
        time.sleep(2)
        yield Answer(text="Début. Fin.")

    service = Service.from_settings(served_settings.model_copy(update={"request_timeout": 0.5}))
    service.assistant.stream = slow_stream
    with live_server(create_app(service, warm_up=False)) as url, httpx.Client(base_url=url) as http:
        events = sse_events(http.post("/v1/ask", json={"question": QUESTION, "stream": True}))
        assert events[0] == ("text", {"text": "Début."})
        assert events[-1][0] == "error" and events[-1][1]["error"]["code"] == "deadline"
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
        chunks = client.chat.completions.create(
            model="rag", messages=[{"role": "user", "content": QUESTION}], stream=True
        )
        with pytest.raises(openai.APIError, match="RAG_REQUEST_TIMEOUT"):
            list(chunks)


def test_listening_beyond_loopback_needs_api_keys(served_settings: Settings, capsys: pytest.CaptureFixture) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4") and not is_loopback("example.org")
    with pytest.raises(ServeConfigError, match="RAG_API_KEYS"):
        check_exposure(served_settings, "0.0.0.0")
    check_exposure(served_settings.model_copy(update={"api_keys": [SecretStr("k")]}), "0.0.0.0")
    check_exposure(served_settings, "127.0.0.1")
    assert main(["serve", "--host", "0.0.0.0", "--port", "1"]) == 2
    assert "Refusing to listen on 0.0.0.0" in capsys.readouterr().err


def test_openai_client_chat_completions(served_url: str, http: httpx.Client) -> None:
    client = openai.OpenAI(base_url=f"{served_url}/v1", api_key="unused", max_retries=0)
    assert [model.id for model in client.models.list()] == ["rag"]
    messages = [{"role": "system", "content": "ignored"}, {"role": "user", "content": QUESTION}]
    completion = client.chat.completions.create(model="rag", messages=messages)
    message = completion.choices[0].message
    answer = http.post("/v1/ask", json={"question": QUESTION}).json()
    assert message.content.startswith(answer["text"]) and "[1]" in message.content
    assert "Lettre de la Turquie du 12 avril 2004, signature" in message.content and "> " in message.content
    assert message.model_extra["citations"] == answer["citations"]
    assert completion.choices[0].finish_reason == "stop" and completion.model == "rag"
    assert completion.model_extra["answer"] == answer

    stream = client.chat.completions.create(model="rag", messages=messages, stream=True)
    chunks = list(stream)
    assert "".join(chunk.choices[0].delta.content or "" for chunk in chunks) == message.content
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].choices[0].delta.model_extra["citations"] == answer["citations"]

    with pytest.raises(openai.BadRequestError, match="empty"):
        client.chat.completions.create(model="rag", messages=[{"role": "user", "content": " "}])
    with pytest.raises(openai.BadRequestError, match="last message must be the user"):
        client.chat.completions.create(model="rag", messages=[{"role": "assistant", "content": "Bonjour"}])


def test_a_rebuilt_index_is_answered_from_at_the_next_request(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    turquie = next(corpus.glob("*turquie*.txt"))
    kept = turquie.read_bytes()
    turquie.unlink()
    with (
        fake_index(tmp_path / "index", corpus_dir=corpus) as settings,
        live_server(create_app(Service.from_settings(settings))) as url,
        httpx.Client(base_url=url) as http,
    ):
        assert len(http.get("/v1/documents").json()["documents"]) == 4
        turquie.write_bytes(kept)
        build_index(settings)
        assert len(http.get("/v1/documents").json()["documents"]) == 5
        assert http.get("/ready").json()["paragraphs"] == 165


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads the listening sockets from Linux's /proc")
def test_the_rag_serve_command_listens_on_loopback_only(served_settings: Settings, tmp_path: Path) -> None:
    with rag_command(["serve"], served_settings, tmp_path / "serve.log", "/health") as (url, port):
        assert listening_addresses(port) == {"127.0.0.1"}
        deadline = time.monotonic() + 30
        while (ready := httpx.get(f"{url}/ready")).status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert ready.json()["paragraphs"] == 165
        answer = httpx.post(f"{url}/v1/ask", json={"question": QUESTION}, timeout=30).json()
        assert answer == AnswerRecord.of_answer(Assistant(served_settings).ask(QUESTION)).model_dump()
