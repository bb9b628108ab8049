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

from bot.llm_engine import LLMSuggestionEngine
from core.suggest import SuggestedGoal

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
        max_goals: int = 1,
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


def decision(kind: str, pattern: str | None = None, **goal: Any) -> dict[str, Any]:
    return completion(json.dumps({"decision": kind, "pattern": pattern, "goal": goal or None}))


GOOD = {
    "content": "Before you give up, book one more lesson just for roundabouts",
    "related_metric_type": "resilience",
    "reason": 'You wrote: "I failed my driving test & I give up"',
}


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


async def test_a_goal_decision_is_parsed(
    fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, fallback = engine_parts
    fake_llm.answer(decision("goal", "giving_up", **GOOD))
    assert await ask(engine) == [
        SuggestedGoal(GOOD["content"], "resilience", GOOD["reason"], "giving_up")
    ]
    assert fallback.calls == []


async def test_request_carries_key_model_rules_and_plain_entry(
    fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, _ = engine_parts
    fake_llm.answer(decision("none"))
    await engine.suggest(ENTRY, open_goals=["Walk 10 minutes a day"], with_sentiment=False)
    headers, body = fake_llm.requests[0]
    assert headers["Authorization"] == f"Bearer {API_KEY}"
    assert body["model"] == MODEL
    assert body["temperature"] == 0.3
    assert body["response_format"] == {"type": "json_object"}
    system, user = body["messages"]
    assert system["role"] == "system"
    # The same rules as the local engine: when not to suggest, one goal, quoting the entry.
    for rule in ("self-harm", "mundane", "Wrongly suggesting", "word for word", "own plan"):
        assert rule in system["content"]
    assert user["role"] == "user"
    assert "I failed my driving test & I give up" in user["content"]
    assert "<b>" not in user["content"]
    assert "Walk 10 minutes a day" in user["content"]


async def test_no_authorization_header_without_key(fake_llm: FakeLLM) -> None:
    fake_llm.answer(decision("none"))
    engine = LLMSuggestionEngine(fake_llm.base_url, None, MODEL, fallback=RecordingFallback())
    try:
        assert await ask(engine) == []
    finally:
        await engine.aclose()
    headers, _ = fake_llm.requests[0]
    assert "Authorization" not in headers


async def test_unknown_metric_takes_the_patterns_and_markup_is_dropped(
    fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, fallback = engine_parts
    fake_llm.answer(
        decision(
            "goal",
            " Giving_Up ",
            content="Book <i>one</i> more lesson just for roundabouts",
            related_metric_type="grit",
            reason=GOOD["reason"],
        )
    )
    [goal] = await ask(engine)
    assert goal.content == "Book one more lesson just for roundabouts"
    assert goal.related_metric_type == "resilience" and goal.pattern == "giving_up"
    assert fallback.calls == []


async def test_a_goal_matching_an_open_goal_is_dropped_quietly(
    fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, fallback = engine_parts
    fake_llm.answer(decision("goal", "giving_up", **GOOD))
    assert await ask(engine, open_goals=[GOOD["content"].upper() + "!"]) == []
    assert fallback.calls == []


@pytest.mark.parametrize("kind", ["none", "care"])
async def test_none_and_care_decisions_suggest_nothing(
    kind: str, fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, fallback = engine_parts
    fake_llm.answer(decision(kind))
    assert await ask(engine) == []
    assert fallback.calls == []


async def test_code_fenced_json_is_accepted(
    fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, fallback = engine_parts
    inner = json.dumps({"decision": "goal", "pattern": "giving_up", "goal": GOOD})
    fake_llm.answer(completion(f"```json\n{inner}\n```"))
    assert [g.content for g in await ask(engine)] == [GOOD["content"]]
    assert fallback.calls == []


async def test_painful_entry_asks_nobody(
    fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, fallback = engine_parts
    entry = "Had a panic attack on the bus and I feel like such a failure"
    assert await engine.suggest(entry, open_goals=[], with_sentiment=True) == []
    assert fake_llm.requests == [] and fallback.calls == []


async def test_timeout_falls_back(
    fake_llm: FakeLLM, engine_parts: tuple[LLMSuggestionEngine, RecordingFallback]
) -> None:
    engine, fallback = engine_parts
    fake_llm.hang = True  # the handler waits until teardown, far past the engine's timeout
    fake_llm.answer(decision("goal", "giving_up", **GOOD))
    assert await ask(engine) == FALLBACK_GOALS
    assert fallback.calls == [
        {"entry_html": ENTRY, "open_goals": [], "with_sentiment": True, "max_goals": 1}
    ]


def answer(**fields: Any) -> str:
    return json.dumps(completion(json.dumps(fields)))


def with_goal(**changes: Any) -> str:
    return answer(decision="goal", pattern="giving_up", goal={**GOOD, **changes})


REFUSAL = {"role": "assistant", "content": None, "refusal": "I can't help with that."}
BAD_RESPONSES = {
    "500": (500, json.dumps({"error": "internal"})),
    "401 echoing key": (401, json.dumps({"error": f"invalid key Bearer {API_KEY}"})),
    "body not json": (200, "this is not json"),
    "no choices": (200, json.dumps({"choices": []})),
    "refusal": (200, json.dumps({"choices": [{"index": 0, "message": REFUSAL}]})),
    "apology instead of json": (
        200,
        json.dumps(completion("I'm sorry, but I can't help with that request.")),
    ),
    "malformed json": (200, json.dumps(completion('{"decision": "goal", "goal": {"content": '))),
    "old goals list": (200, answer(goals=[GOOD])),
    "unknown decision": (200, answer(decision="maybe", pattern=None, goal=None)),
    "goal without pattern": (200, answer(decision="goal", pattern="grit", goal=GOOD)),
    "goal not an object": (200, answer(decision="goal", pattern="giving_up", goal="Practise")),
    "content not text": (200, with_goal(content=42)),
    "content too long": (200, with_goal(content="Practise " + "driving " * 40)),
    "speaks as the writer": (200, with_goal(content="I will book one more driving lesson")),
    "lower-case fragment": (200, with_goal(content="roundabouts for 20 minutes")),
    "reason quotes nothing": (200, with_goal(reason="Because driving matters")),
    "reason quotes words not written": (200, with_goal(reason='You wrote: "I love driving"')),
    "json array": (200, json.dumps(completion(json.dumps(["not", "an", "object"])))),
}


@pytest.mark.parametrize(("status", "body"), list(BAD_RESPONSES.values()), ids=list(BAD_RESPONSES))
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

    fake_llm.answer(decision("goal", "giving_up", **GOOD))
    async with httpx.AsyncClient() as client:
        engine = LLMSuggestionEngine(
            fake_llm.base_url, API_KEY, MODEL, fallback=RecordingFallback(), client=client
        )
        assert [g.content for g in await ask(engine)] == [GOOD["content"]]
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
