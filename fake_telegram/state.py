"""The state Telegram keeps for one bot, shared by every group of Bot API methods.

``FakeState`` owns the chats, users, pending updates, files and the change signal that the
waiting helpers sleep on. Each group of Bot API methods is a mixin deriving from it (see
``server.FakeBotAPI``'s bases) and marks its handlers with ``@bot_method("sendMessage")``;
the method table is collected from those marks, so a new group needs no other wiring.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import ClientSession, web

from fake_telegram.errors import JSONDict, bad_request
from fake_telegram.formatting import parse_formatted
from fake_telegram.models import (
    ApiCall,
    CallbackQuery,
    ChatMessage,
    Fault,
    Handler,
    StoredFile,
    StoredFileRef,
    Webhook,
)

DEFAULT_TOKEN = "123456:TEST-TOKEN"
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
SEND_METHODS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "sendLocation", "sendVoice", "sendMediaGroup"}
)
# Methods addressed to a chat that a user who blocked the bot would refuse.
CHAT_DELIVERY_METHODS = SEND_METHODS | {
    "sendChatAction",
    "editMessageText",
    "editMessageReplyMarkup",
    "editMessageCaption",
}
BOT_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")

_BOT_METHODS_ATTR = "_bot_api_methods"
_H = TypeVar("_H", bound=Callable[..., Awaitable[Any]])


def bot_method(*names: str) -> Callable[[_H], _H]:
    """Marks a mixin's ``async def _x(self, params, uploads)`` as the handler of ``names``."""

    def mark(handler: _H) -> _H:
        setattr(handler, _BOT_METHODS_ATTR, (*getattr(handler, _BOT_METHODS_ATTR, ()), *names))
        return handler

    return mark


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG (charts are PNGs); a plausible default otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 320, 240


class FakeState:
    """Chats, users, updates and files as Telegram keeps them; no Bot API method here."""

    # Read by the rate limits (see ``FakeBotAPI``) and by the send accounting below.
    GLOBAL_SENDS_PER_SECOND = 30
    CHAT_BURST = 3
    CHAT_SENDS_PER_SECOND = 1.0

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        files_dir: Path | None = None,
        bot_username: str = "growth_journal_bot",
        *,
        bot_first_name: str = "Growth Journal",
        enforce_rate_limits: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.files_dir = files_dir
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.enforce_rate_limits = enforce_rate_limits
        # Rate accounting and ApiCall.at read this clock, so tests can control time.
        self.clock = clock
        self.bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.unsupported: set[str] = set()
        self.calls: list[ApiCall] = []
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.bot_settings: dict[str, Any] = {}
        self.send_log: list[tuple[float, int]] = []  # (clock time, chat id) per send

        self._chats: dict[int, dict[int, ChatMessage]] = {}
        self._next_message_id: dict[int, int] = {}
        self._users: dict[int, JSONDict] = {}
        self._pending: list[JSONDict] = []
        # Like Telegram after a quiet week, the first id is not predictable: here it grows
        # with the clock, so two runs against one database never reuse an update_id.
        self._next_update_id = int(time.time() * 1000) % 2_000_000_000
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self.polls_waiting = 0  # getUpdates requests currently long-polling
        self._webhook: Webhook | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_busy = False
        self._callbacks: dict[str, CallbackQuery] = {}
        self._next_callback = 0
        self._files: dict[str, StoredFile] = {}
        self._next_file = 0
        self._faults: list[Fault] = []
        self._blocked: set[int] = set()
        # Groups, supergroups and channels the test created: id -> Telegram's Chat object.
        self._group_chats: dict[int, JSONDict] = {}
        self.left_chats: set[int] = set()  # chats the bot left with leaveChat
        self._delays: dict[str, float] = {}
        self._chat_buckets: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)
        self._seq = 0
        self._change_counter = 0
        self._change_event = asyncio.Event()
        self._inflight = 0
        # Set by a test harness that can tell whether the bot is still handling an update:
        # ``settle`` then also waits for that, not only for a quiet spell (a handler may
        # work longer than the spell between two of its calls on a busy machine).
        self.bot_busy: Callable[[], bool] | None = None
        self._last_activity = time.monotonic()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        # Bot API method name, lower-cased (Telegram ignores the case) -> (name, handler).
        self._handlers: dict[str, tuple[str, Handler]] = self._method_table()

    def _method_table(self) -> dict[str, tuple[str, Handler]]:
        """Every ``@bot_method`` handler of this object's classes; one handler per name."""
        table: dict[str, tuple[str, Handler]] = {}
        owners: dict[str, str] = {}
        for cls in type(self).__mro__:
            for attr, value in vars(cls).items():
                for name in getattr(value, _BOT_METHODS_ATTR, ()):
                    key = name.lower()
                    if owners.setdefault(key, attr) != attr:
                        raise TypeError(f"{name} has two handlers: {owners[key]} and {attr}")
                    table.setdefault(key, (name, getattr(self, attr)))
        return table

    @property
    def bot_user(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    # -- change notification ----------------------------------------------------------------------

    def _bump(self) -> None:
        self._change_counter += 1
        event, self._change_event = self._change_event, asyncio.Event()
        event.set()

    @property
    def change_counter(self) -> int:
        """Increases on every change of recorded state; pair with ``wait_for_change``."""
        return self._change_counter

    async def wait_for_change(self, since: int, seconds: float | None = None) -> int:
        """Waits (at most ``seconds``) until ``change_counter`` exceeds ``since``."""
        await self._wait_until(lambda: self._change_counter > since, seconds)
        return self._change_counter

    async def _wait_until(self, check: Callable[[], bool], seconds: float | None) -> bool:
        loop = asyncio.get_running_loop()
        deadline = None if seconds is None else loop.time() + seconds
        while True:
            event = self._change_event
            if check():
                return True
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return False
            try:
                async with asyncio.timeout(remaining):
                    await event.wait()
            except TimeoutError:
                return check()

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _chat_tokens(self, chat_id: int, now: float) -> float:
        tokens, at = self._chat_buckets.get(chat_id, (float(self.CHAT_BURST), now))
        return min(float(self.CHAT_BURST), tokens + (now - at) * self.CHAT_SENDS_PER_SECOND)

    def _record_send(self, chat_id: int) -> None:
        now = self.clock()
        self.send_log.append((now, chat_id))
        self._chat_buckets[chat_id] = (self._chat_tokens(chat_id, now) - 1, now)

    # -- chats and messages ---------------------------------------------------------------------

    def _chat(self, chat_id: int) -> dict[int, ChatMessage]:
        return self._chats.setdefault(chat_id, {})

    def _new_message(self, chat_id: int, *, from_bot: bool) -> ChatMessage:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        msg = ChatMessage(
            message_id=message_id,
            chat_id=chat_id,
            from_bot=from_bot,
            date=int(time.time()),
        )
        msg.created_seq = msg.changed_seq = self._next_seq()
        self._chat(chat_id)[message_id] = msg
        return msg

    def _chat_json(self, chat_id: int) -> JSONDict:
        if chat_id in self._group_chats:
            return dict(self._group_chats[chat_id])
        if chat_id < 0:
            return {"id": chat_id, "type": "group", "title": f"Group {chat_id}"}
        user = self._users.get(chat_id, {"first_name": "User"})
        chat: JSONDict = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        if user.get("username"):
            chat["username"] = user["username"]
        return chat

    def _user_json(self, user_id: int) -> JSONDict:
        return self._users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": "User"}

    def _message_json(self, msg: ChatMessage) -> JSONDict:
        chat = self._chat_json(msg.chat_id)
        data: JSONDict = {
            "message_id": msg.message_id,
            "from": self.bot_user
            if msg.from_bot
            else self._user_json(msg.sender_id or msg.chat_id),
            "chat": chat,
            "date": msg.date,
        }
        if chat["type"] == "channel":  # channel posts are signed by the channel
            del data["from"]
            data["sender_chat"] = chat
        if msg.edit_date is not None:
            data["edit_date"] = msg.edit_date
        formatted = None
        raw = msg.text if msg.text is not None else msg.caption
        if raw is not None:
            formatted = parse_formatted(raw, msg.parse_mode, msg.entities)
        if msg.text is not None and formatted is not None:
            data["text"] = formatted.text
            if formatted.entities:
                data["entities"] = formatted.entities
        if msg.photo is not None:
            data["photo"] = self._photo_sizes(msg)
        elif msg.document is not None:
            data["document"] = {
                "file_id": msg.file_id,
                "file_unique_id": f"u{msg.file_id}",
                "file_name": msg.filename,
                "mime_type": msg.mime_type or "application/octet-stream",
                "file_size": len(msg.document or b""),
            }
        if msg.caption is not None and formatted is not None:
            data["caption"] = formatted.text
            if formatted.entities:
                data["caption_entities"] = formatted.entities
        if msg.location is not None:
            data["location"] = {"latitude": msg.location[0], "longitude": msg.location[1]}
        if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
            data["reply_markup"] = {"inline_keyboard": msg.reply_markup["inline_keyboard"]}
        return data

    @staticmethod
    def _photo_sizes(msg: ChatMessage) -> list[JSONDict]:
        width, height = image_size(msg.photo or b"")
        size = len(msg.photo or b"")
        file_id = msg.file_id or "photo"
        return [
            {
                "file_id": f"{file_id}-thumb",
                "file_unique_id": f"u{file_id}-thumb",
                "width": max(1, width // 4),
                "height": max(1, height // 4),
                "file_size": max(1, size // 16),
            },
            {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "width": width,
                "height": height,
                "file_size": size,
            },
        ]

    def message(self, chat_id: int, message_id: int) -> ChatMessage | None:
        return self._chats.get(chat_id, {}).get(message_id)

    def user_message(self, chat_id: int, message_id: int) -> ChatMessage | None:
        msg = self.message(chat_id, message_id)
        return msg if msg is not None and not msg.from_bot else None

    def _remember_user(
        self, user_id: int, first_name: str, username: str | None, language_code: str | None
    ) -> None:
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user

    def _enqueue(self, kind: str, payload: JSONDict) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._pending.append({"update_id": update_id, kind: payload})
        self._last_activity = time.monotonic()
        self._bump()
        return update_id

    def _store_file(
        self, data: bytes, filename: str | None, mime_type: str | None, folder: str
    ) -> StoredFileRef:
        self._next_file += 1
        file_id = f"FILE{self._next_file:06d}"
        suffix = Path(filename).suffix if filename else ""
        stored = StoredFile(data, filename, mime_type, f"{folder}/file_{self._next_file}{suffix}")
        self._files[file_id] = stored
        return StoredFileRef(file_id, stored)

    def _chat_id(self, params: JSONDict) -> int:
        value = params.get("chat_id")
        if isinstance(value, bool) or value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.startswith("@"):
            for user_id, user in self._users.items():
                if user.get("username") == value[1:]:
                    return user_id
        raise bad_request("chat not found")
