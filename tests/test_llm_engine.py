"""The OpenAI-compatible engine against a local fake endpoint served by aiohttp."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from bot.logic.llm_engine import LLMSuggestionEngine
from bot.logic.suggestions import SuggestedGoal

API_KEY = "sk-test-5ecret-do-not-log"
MODEL = "coach-mini"
ENTRY = "I <b>failed</b> my driving test &amp; I give up"
FALLBACK_GOALS = [SuggestedGoal("Fallback goal about the driving test", "resilience", "local")]


class RecordingFallback:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def suggest(
        self,
        entry_html: str,
        *,
        open_goals: Sequence[str],
        with_sentiment: bool,
        max_goals: int = 2,
    ) -> list[SuggestedGoal]:
        self.calls.append(
            {
                "entry_html": entry_html,
                "open_goals": list(open_goals),
                "with_sentiment": with_sentiment,
                "max_goals": max_goals,
            }
        )
        return list(FALLBACK_GOALS)


def completion(content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
    }


def goals_answer(*goals: dict[str, Any]) -> dict[str, Any]:
    return completion(json.dumps({"goals": list(goals)}))


@dataclass
class FakeLLM:
    """What the fake endpoint answers next, and what it was asked."""

    status: int = 200
    body: str = ""
    hang: bool = False
    requests: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    base_url: str = ""

    def answer(self, payload: dict[str, Any]) -> None:
        self.body = json.dumps(payload)

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((dict(request.headers), await request.json()))
        if self.hang:
            await self.release.wait()
        return web.Response(status=self.status, text=self.body, content_type="application/json")


@pytest.fixture
async def fake_llm() -> AsyncIterator[FakeLLM]:
    fake = FakeLLM()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    site = web.SockSite(runner, sock)
    await site.start()
    fake.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    try:
        yield fake
    finally:
        fake.release.set()
        await runner.cleanup()


@pytest.fixture
async def engine_parts(
    fake_llm: FakeLLM,
) -> AsyncIterator[tuple[LLMSuggestionEngine, RecordingFallback]]:
    fallback = RecordingFallback()
    engine = LLMSuggestionEngine(fake_llm.base_url, API_KEY, MODEL, fallback=fallback, timeout=0.5)
    try:
        yield engine, fallback
    finally:
        await engine.aclose()


async def ask(engine: LLMSuggestionEngine, open_goals: Sequence[str] = ()) -> list[SuggestedGoal]:
    return await engine.suggest(ENTRY, open_goals=open_goals, with_sentiment=True)


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_good_answer_is_parsed_and_capped_at_two(
    fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, fallback = engine_parts
    fake_llm.answer(
        goals_answer(
            {
                "content": "Book a mock driving test with an instructor this week",
                "related_metric_type": "resilience",
                "reason": 'You wrote "I give up"',
            },
            {
                "content": "Practise roundabouts for 20 minutes twice this week",
                "related_metric_type": "effort",
                "reason": "Your test went badly",
            },
            {"content": "A third goal", "related_metric_type": "learning", "reason": "x"},
        )
    )
    goals = await ask(engine)
    assert goals == [
        SuggestedGoal(
            "Book a mock driving test with an instructor this week",
            "resilience",
            'You wrote "I give up"',
        ),
        SuggestedGoal(
            "Practise roundabouts for 20 minutes twice this week", "effort", "Your test went badly"
        ),
    ]
    assert fallback.calls == []


async def test_request_carries_key_model_and_plain_entry(
    fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, _ = engine_parts
    fake_llm.answer(goals_answer())
    await engine.suggest(
        ENTRY, open_goals=["Walk 10 minutes a day"], with_sentiment=False, max_goals=1
    )
    headers, body = fake_llm.requests[0]
    assert headers["Authorization"] == f"Bearer {API_KEY}"
    assert body["model"] == MODEL
    assert body["temperature"] == 0.3
    assert body["response_format"] == {"type": "json_object"}
    system, user = body["messages"]
    assert system["role"] == "system" and "growth" in system["content"].lower()
    assert user["role"] == "user"
    assert "I failed my driving test & I give up" in user["content"]
    assert "<b>" not in user["content"]
    assert "Walk 10 minutes a day" in user["content"]


async def test_no_authorization_header_without_key(fake_llm: FakeLLM) -> None:
    fake_llm.answer(goals_answer())
    engine = LLMSuggestionEngine(fake_llm.base_url, None, MODEL, fallback=RecordingFallback())
    try:
        assert await ask(engine) == []
    finally:
        await engine.aclose()
    headers, _ = fake_llm.requests[0]
    assert "Authorization" not in headers


async def test_invalid_metric_types_are_nullified_and_bad_goals_dropped(
    fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, fallback = engine_parts
    fake_llm.answer(
        goals_answer(
            {"content": "   ", "related_metric_type": "effort", "reason": "empty"},
            {"content": "x" * 301, "related_metric_type": "effort", "reason": "too long"},
            {"content": 42, "related_metric_type": "effort"},
            {"content": "Ask the examiner's notes for one fix", "related_metric_type": "grit"},
            {"content": "Drive with a friend on Saturday", "related_metric_type": " Challenge "},
        )
    )
    goals = await ask(engine)
    assert [(g.content, g.related_metric_type) for g in goals] == [
        ("Ask the examiner's notes for one fix", None),
        ("Drive with a friend on Saturday", "challenge"),
    ]
    assert all(g.reason for g in goals)
    assert fallback.calls == []


async def test_answers_matching_open_goals_are_dropped(
    fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, _ = engine_parts
    fake_llm.answer(
        goals_answer(
            {"content": "Book a mock driving test", "related_metric_type": "resilience"},
            {"content": "Practise parallel parking twice", "related_metric_type": "effort"},
        )
    )
    goals = await ask(engine, open_goals=["book a MOCK driving test!"])
    assert [g.content for g in goals] == ["Practise parallel parking twice"]


async def test_empty_goal_list_is_a_valid_answer(
    fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, fallback = engine_parts
    fake_llm.answer(goals_answer())
    assert await ask(engine) == []
    assert fallback.calls == []


async def test_code_fenced_json_is_accepted(
    fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, fallback = engine_parts
    inner = json.dumps({"goals": [{"content": "Book a lesson", "related_metric_type": None}]})
    fake_llm.answer(completion(f"```json\n{inner}\n```"))
    assert [g.content for g in await ask(engine)] == ["Book a lesson"]
    assert fallback.calls == []


async def test_timeout_falls_back(
    fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, fallback = engine_parts
    fake_llm.hang = True  # the handler waits until teardown, far past the engine's timeout
    fake_llm.answer(goals_answer({"content": "Too late", "related_metric_type": None}))
    assert await ask(engine) == FALLBACK_GOALS
    assert fallback.calls == [
        {"entry_html": ENTRY, "open_goals": [], "with_sentiment": True, "max_goals": 2}
    ]


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, json.dumps({"error": "internal"})),
        (401, json.dumps({"error": f"invalid key Bearer {API_KEY}"})),
        (200, "this is not json"),
        (200, json.dumps({"choices": []})),
        (200, json.dumps(completion("not json inside"))),
        (200, json.dumps(completion(json.dumps({"suggestions": []})))),
        (200, json.dumps(completion(json.dumps({"goals": "Practise daily"})))),
        (200, json.dumps(completion(json.dumps({"goals": [{"content": ""}]})))),
        (200, json.dumps(completion(json.dumps(["not", "an", "object"])))),
    ],
    ids=[
        "500",
        "401 echoing key",
        "body not json",
        "no choices",
        "content not json",
        "no goals key",
        "goals not a list",
        "only unusable goals",
        "json array",
    ],
)
async def test_bad_responses_fall_back_and_never_log_the_key(
    status: int,
    body: str,
    fake_llm: FakeLLM,
    engine_parts: tuple[LLMSuggestionEngine, RecordingFallback],
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine, fallback = engine_parts
    fake_llm.status, fake_llm.body = status, body
    caplog.set_level(logging.DEBUG)
    assert await ask(engine) == FALLBACK_GOALS
    assert len(fallback.calls) == 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings, "a failed LLM call must be logged"
    assert API_KEY not in caplog.text
    assert "5ecret" not in caplog.text


async def test_connection_refused_falls_back(caplog: pytest.LogCaptureFixture) -> None:
    fallback = RecordingFallback()
    engine = LLMSuggestionEngine(
        f"http://127.0.0.1:{closed_port()}/v1", API_KEY, MODEL, fallback=fallback, timeout=2
    )
    caplog.set_level(logging.DEBUG)
    try:
        assert await ask(engine) == FALLBACK_GOALS
    finally:
        await engine.aclose()
    assert len(fallback.calls) == 1
    assert any(r.levelno == logging.WARNING for r in caplog.records)
    assert API_KEY not in caplog.text


async def test_empty_entry_asks_nobody(
    fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, fallback = engine_parts
    assert await engine.suggest("  ", open_goals=[], with_sentiment=True) == []
    assert await engine.suggest("/start", open_goals=[], with_sentiment=True) == []
    assert fake_llm.requests == [] and fallback.calls == []


async def test_injected_client_is_used_and_left_open(fake_llm: FakeLLM) -> None:
    import httpx

    fake_llm.answer(goals_answer({"content": "Book a lesson", "related_metric_type": "effort"}))
    async with httpx.AsyncClient() as client:
        engine = LLMSuggestionEngine(
            fake_llm.base_url, API_KEY, MODEL, fallback=RecordingFallback(), client=client
        )
        assert [g.content for g in await ask(engine)] == ["Book a lesson"]
        await engine.aclose()
        assert not client.is_closed


async def test_an_error_body_echoing_the_entry_is_not_logged(
    fake_llm: FakeLLM,
    engine_parts: tuple[LLMSuggestionEngine, RecordingFallback],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Endpoints often quote the request in their error page; the entry must not reach
    the logs that way."""
    engine, _ = engine_parts
    fake_llm.status = 400
    fake_llm.body = json.dumps({"error": f"cannot process: {ENTRY}"})
    caplog.set_level(logging.DEBUG)
    assert await ask(engine) == FALLBACK_GOALS
    assert "HTTP 400" in caplog.text
    assert ENTRY[:40] not in caplog.text
