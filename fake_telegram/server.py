"""A fake Telegram Bot API server for end-to-end tests and the offline try-out.

It speaks the real HTTP protocol python-telegram-bot uses (form-encoded or multipart POSTs to
``/bot<token>/<method>``, JSON-encoded nested values), keeps the state Telegram would keep
(messages per chat, pending updates, webhook, commands) and answers with Telegram-shaped errors,
so the real ``Application`` can run against it unchanged.
"""

from __future__ import annotations

import asyncio
import json
import time
from types import TracebackType
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

from fake_telegram.callbacks import CallbackMethods
from fake_telegram.chats import ChatMethods
from fake_telegram.errors import ApiError, JSONDict
from fake_telegram.faults import FaultInjection
from fake_telegram.files import FileMethods
from fake_telegram.formatting import (
    EntityParseError,
    FormattedText,
    parse_formatted,
    parse_html,
    parse_markdown,
)
from fake_telegram.inspection import Inspection
from fake_telegram.media import MediaMethods
from fake_telegram.messages import MessageMethods
from fake_telegram.models import ApiCall, ChatMessage, MessageEdit, Upload
from fake_telegram.profile import ProfileMethods
from fake_telegram.state import DEFAULT_TOKEN
from fake_telegram.updates import UpdateDelivery
from fake_telegram.users import UserActions

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "ChatMessage",
    "EntityParseError",
    "FakeBotAPI",
    "FormattedText",
    "MessageEdit",
    "parse_formatted",
    "parse_html",
    "parse_markdown",
]

# Fields Telegram treats as plain strings: form values for these must not be JSON-decoded,
# otherwise a user text such as "123" or "true" would change type.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "url",
        "secret_token",
        "action",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
        "description",
        "short_description",
        "name",
        "title",
        "language_code",
        "ip_address",
        "emoji",
        "file_id",
        "voice",
        "photo",
        "document",
        "thumbnail",
    }
)


class FakeBotAPI(
    # The groups of Bot API methods; a new group (a FakeState mixin whose handlers carry
    # @bot_method) plugs in as one more base here.
    MessageMethods,
    FileMethods,
    CallbackMethods,
    ChatMethods,
    ProfileMethods,
    UpdateDelivery,
    MediaMethods,
    # The test side: injected user activity, failures, reading and waiting.
    UserActions,
    FaultInjection,
    Inspection,
):
    """An in-process Telegram Bot API for tests and the offline try-out.

    Rate limits when ``enforce_rate_limits`` is on: more than ``GLOBAL_SENDS_PER_SECOND`` sends
    within any one second overall, or a chat's token bucket (``CHAT_BURST`` messages, refilled at
    ``CHAT_SENDS_PER_SECOND``) running dry, answers 429 with ``retry_after``. Only sends count
    (sendMessage, sendPhoto, sendDocument, sendLocation); edits and callback answers do not.
    """

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        # handler_cancellation: a long poll whose client went away must not linger.
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._session = ClientSession(timeout=ClientTimeout(total=10))
        self._closing = False

    async def stop(self) -> None:
        """Stops serving; pending long polls and delays answer at once."""
        self._closing = True
        self._bump()
        await self._stop_webhook_worker()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder.base_url``: PTB appends the token."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    # -- HTTP layer -----------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["tail"]
        if path.startswith("file/bot"):
            return self._serve_file(path.removeprefix("file/bot"))
        if not path.startswith("bot") or "/" not in path:
            return self._json_response({"ok": False, "error_code": 404, "description": "Not Found"})
        token, _, method_name = path[3:].partition("/")
        if token != self.token:
            return self._json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
        params, uploads = await self._read_params(request)
        entry = self._handlers.get(method_name.lower())
        method = entry[0] if entry else method_name
        counts = method != "getUpdates"  # long polls would keep settle() from ever returning
        if counts:
            self._inflight += 1
        try:
            delay = self._delays.get(method, 0.0)
            if delay > 0:
                try:
                    await self._wait_until(lambda: self._closing, delay)
                except asyncio.CancelledError:
                    # The client gave up (timed out) first: the call had no effect.
                    gone = {"ok": False, "error_code": 0, "description": "client disconnected"}
                    self.calls.append(ApiCall(method, dict(params), None, gone, self.clock()))
                    raise
            result: Any = None
            error: JSONDict | None = None
            try:
                if entry is None or method in self.unsupported:
                    raise ApiError(404, "Not Found: method not found")
                self._check_faults(method, params)
                result = await entry[1](params, uploads)
            except ApiError as exc:
                error = exc.payload
            recorded = dict(params)
            for name, upload in uploads.items():
                recorded[name] = {"filename": upload.filename, "size": len(upload.data)}
            call = ApiCall(method, recorded, result, error, self.clock())
            self.calls.append(call)
            if method == "answerCallbackQuery" and error is None:
                self._callbacks[str(params.get("callback_query_id"))].answer = call
            if counts or result:
                self._last_activity = time.monotonic()
        finally:
            if counts:
                self._inflight -= 1
            self._bump()
        if error is not None:
            return self._json_response(error)
        return self._json_response({"ok": True, "result": result})

    @staticmethod
    def _json_response(payload: JSONDict) -> web.Response:
        status = 200 if payload.get("ok") else int(payload["error_code"])
        return web.json_response(payload, status=status)

    async def _read_params(self, request: web.Request) -> tuple[JSONDict, dict[str, Upload]]:
        params: JSONDict = {k: self._coerce(k, v) for k, v in request.query.items()}
        uploads: dict[str, Upload] = {}
        if request.method != "POST" or not request.can_read_body:
            return params, uploads
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
            return params, uploads
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                uploads[key] = Upload(value.filename, value.file.read(), value.content_type)
            elif isinstance(value, str):
                params[key] = self._coerce(key, value)
        return params, uploads

    @staticmethod
    def _coerce(key: str, value: str) -> Any:
        # PTB sends nested objects and numbers JSON-encoded inside form fields.
        if key in _STRING_FIELDS:
            return value
        try:
            return json.loads(value)
        except ValueError:
            return value

    def _serve_file(self, rest: str) -> web.Response:
        token, _, file_path = rest.partition("/")
        if token != self.token:
            return web.Response(status=401, text="Unauthorized")
        for stored in self._files.values():
            if stored.file_path == file_path:
                return web.Response(
                    body=stored.data, content_type=stored.mime_type or "application/octet-stream"
                )
        return web.Response(status=404, text="Not Found")
