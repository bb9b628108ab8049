"""A fake Telegram Bot API server for end-to-end tests and the offline try-out.

It speaks the real HTTP protocol python-telegram-bot uses (form-encoded or multipart POSTs to
``/bot<token>/<method>``, JSON-encoded nested values), keeps the state Telegram would keep
(messages per chat, pending updates, webhook, commands) and answers with Telegram-shaped errors,
so the real ``Application`` can run against it unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import math
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from fake_telegram import media  # media: voice notes and albums

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST-TOKEN"
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64

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
        "photo",
        "document",
        "thumbnail",
    }
)
_SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendLocation"})
# Methods addressed to a chat that a user who blocked the bot would refuse.
_CHAT_DELIVERY_METHODS = _SEND_METHODS | {
    "sendChatAction",
    "editMessageText",
    "editMessageReplyMarkup",
    "editMessageCaption",
}
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Telegram's default when allowed_updates was never set or set to [].
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_DEFAULT_ERROR_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_BOT_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")
_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")


# ---------------------------------------------------------------------------------------------
# Formatting: HTML / MarkdownV2 / Markdown parsing as Telegram does it
# ---------------------------------------------------------------------------------------------


class EntityParseError(ValueError):
    """The text is not valid for its parse_mode; the message is Telegram's wording."""


@dataclass
class FormattedText:
    """Text as Telegram stores it: markup removed, formatting described by entities."""

    text: str
    entities: list[JSONDict]


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for entity offsets."""
    return len(text.encode("utf-16-le")) // 2


class _Builder:
    """Accumulates output text while tracking the UTF-16 position for entity offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[JSONDict] = []

    def emit(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.pos += utf16_len(chunk)

    def entity(self, etype: str, start: int, extra: JSONDict | None = None) -> None:
        # Telegram drops empty entities rather than rejecting them.
        if self.pos > start:
            self.entities.append(
                {"type": etype, "offset": start, "length": self.pos - start, **(extra or {})}
            )

    def result(self) -> FormattedText:
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return FormattedText("".join(self.parts), entities)


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]+)|#[xX]([0-9a-fA-F]+));")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME_RE = re.compile(r"[A-Za-z0-9-]*")
_ATTR_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")


def _html_unescape(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        if m.group(1):
            return _HTML_NAMED[m.group(1)]
        code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
        return chr(code) if 0 < code <= 0x10FFFF else m.group(0)

    return _HTML_ENTITY_RE.sub(repl, text)


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode())


def _parse_tag_attributes(src: str, i: int, tag_start: int) -> tuple[dict[str, str], int]:
    """Parses attributes starting at ``i``; returns them and the index after ``>``."""
    attrs: dict[str, str] = {}
    n = len(src)
    while True:
        while i < n and src[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(
                f"Unclosed start tag at byte offset {_byte_offset(src, tag_start)}"
            )
        if src[i] == ">":
            return attrs, i + 1
        m = _ATTR_NAME_RE.match(src, i)
        if not m:
            raise EntityParseError(
                f"Empty attribute name in the tag at byte offset {_byte_offset(src, tag_start)}"
            )
        name = m.group(0).lower()
        i = m.end()
        value = ""
        if i < n and src[i] == "=":
            i += 1
            if i < n and src[i] in "\"'":
                end = src.find(src[i], i + 1)
                if end < 0:
                    raise EntityParseError(
                        f"Unclosed start tag at byte offset {_byte_offset(src, tag_start)}"
                    )
                value = _html_unescape(src[i + 1 : end])
                i = end + 1
            else:
                start = i
                while i < n and not src[i].isspace() and src[i] != ">":
                    i += 1
                value = _html_unescape(src[start:i])
        attrs[name] = value


def parse_html(src: str) -> FormattedText:
    """Parses Telegram-flavoured HTML; raises EntityParseError like the Bot API would."""
    out = _Builder()
    # (tag name, entity type or None to skip, start offset, extra entity fields)
    stack: list[tuple[str, str | None, int, JSONDict]] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "&":
            m = _HTML_ENTITY_RE.match(src, i)
            if m:
                out.emit(_html_unescape(m.group(0)))
                i = m.end()
            else:
                out.emit("&")
                i += 1
            continue
        if c != "<":
            j = i
            while j < n and src[j] not in "<&":
                j += 1
            out.emit(src[i:j])
            i = j
            continue
        tag_start = i
        if src.startswith("</", i):
            end = src.find(">", i)
            if end < 0:
                raise EntityParseError(
                    f"Unclosed end tag at byte offset {_byte_offset(src, tag_start)}"
                )
            name = src[i + 2 : end].strip().lower()
            if not stack:
                raise EntityParseError(
                    f"Unexpected end tag at byte offset {_byte_offset(src, tag_start)}"
                )
            open_name, open_type, start, open_extra = stack.pop()
            if name != open_name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(src, tag_start)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            if open_type is not None:
                out.entity(open_type, start, open_extra)
            i = end + 1
            continue
        m = _TAG_NAME_RE.match(src, i + 1)
        assert m is not None  # the pattern accepts the empty string
        name = m.group(0).lower()
        if name not in _HTML_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(src, tag_start)}'
            )
        attrs, i = _parse_tag_attributes(src, m.end(), tag_start)
        etype: str | None = _HTML_TAGS[name]
        extra: JSONDict = {}
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError('Tag "span" must have class "tg-spoiler"')
        if name == "a":
            href = attrs.get("href", "")
            user = re.fullmatch(r"tg://user\?id=(\d+)", href)
            if user:
                etype, extra = "text_mention", {"user": {"id": int(user.group(1))}}
            elif href:
                extra = {"url": href}
            else:
                etype = None
        elif name == "tg-emoji":
            if "emoji-id" not in attrs:
                raise EntityParseError('Tag "tg-emoji" must have attribute "emoji-id"')
            extra = {"custom_emoji_id": attrs["emoji-id"]}
        elif name == "blockquote" and "expandable" in attrs:
            etype = "expandable_blockquote"
        elif name == "code" and stack and stack[-1][0] == "pre":
            language = attrs.get("class", "")
            if language.startswith("language-"):
                # <pre><code class="language-x"> is one pre entity with a language.
                stack[-1][3]["language"] = language.removeprefix("language-")
                etype = None
        stack.append((name, etype, out.pos, extra))
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MD_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "pre": "Pre",
    "code": "Code",
}


def _md_find_closing(src: str, i: int, marker: str) -> int:
    """Index of the next unescaped ``marker`` at or after ``i``, or -1."""
    while i < len(src):
        if src[i] == "\\":
            i += 2
            continue
        if src.startswith(marker, i):
            return i
        i += 1
    return -1


def _md_unescape(text: str) -> str:
    return re.sub(r"\\([\x01-\x7e])", r"\1", text)


def parse_markdown(src: str, *, v2: bool = True) -> FormattedText:
    """Parses MarkdownV2 (or legacy Markdown with ``v2=False``) like the Bot API."""
    out = _Builder()
    stack: list[tuple[str, str, int, int]] = []  # marker, entity type, start, byte offset
    markers = {"*": "bold", "_": "italic"}
    if v2:
        markers |= {"__": "underline", "~": "strikethrough", "||": "spoiler"}
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\" and i + 1 < n and 1 <= ord(src[i + 1]) <= 126:
            out.emit(src[i + 1])
            i += 2
            continue
        if c == "`":
            fence = "```" if src.startswith("```", i) else "`"
            etype = "pre" if fence == "```" else "code"
            end = _md_find_closing(src, i + len(fence), fence)
            if end < 0:
                raise _md_unclosed(src, i, etype, v2)
            body = src[i + len(fence) : end]
            extra: JSONDict = {}
            if etype == "pre" and "\n" in body:
                first, rest = body.split("\n", 1)
                if first and not any(ch.isspace() for ch in first):
                    extra, body = {"language": first}, rest
            start = out.pos
            out.emit(_md_unescape(body) if v2 else body)
            out.entity(etype, start, extra)
            i = end + len(fence)
            continue
        if (v2 and c == "!" and src.startswith("![", i)) or c == "[":
            is_emoji = c == "!"
            stack.append(("[", "custom_emoji" if is_emoji else "text_link", out.pos, i))
            i += 2 if is_emoji else 1
            continue
        if c == "]" and stack and stack[-1][0] == "[":
            _, etype, start, byte_at = stack.pop()
            if not src.startswith("(", i + 1):
                raise _md_unclosed(src, byte_at, etype, v2)
            end = _md_find_closing(src, i + 2, ")")
            if end < 0:
                raise _md_unclosed(src, byte_at, etype, v2)
            target = _md_unescape(src[i + 2 : end])
            if etype == "custom_emoji":
                out.entity(etype, start, {"custom_emoji_id": target.rsplit("id=", 1)[-1]})
            else:
                out.entity(etype, start, {"url": target})
            i = end + 1
            continue
        marker = src[i : i + 2] if src[i : i + 2] in markers else c
        if marker in markers and not (not v2 and stack and stack[-1][0] != marker):
            if stack and stack[-1][0] == marker:
                _, etype, start, _ = stack.pop()
                out.entity(etype, start)
            else:
                stack.append((marker, markers[marker], out.pos, i))
            i += len(marker)
            continue
        if v2 and c == ">" and (i == 0 or src[i - 1] == "\n"):
            i += 1  # blockquote line marker; the quote itself is not tracked
            continue
        if v2 and c in _MDV2_RESERVED:
            raise EntityParseError(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        out.emit(c)
        i += 1
    if stack:
        _, etype, _, byte_at = stack[-1]
        raise _md_unclosed(src, byte_at, etype, v2)
    return out.result()


def _md_unclosed(src: str, index: int, etype: str, v2: bool) -> EntityParseError:
    offset = _byte_offset(src, index)
    if v2:
        return EntityParseError(
            f"Can't find end of {_MD_NAMES[etype]} entity at byte offset {offset}"
        )
    return EntityParseError(f"Can't find end of the entity starting at byte offset {offset}")


def parse_formatted(
    text: str, parse_mode: str | None, entities: list[JSONDict] | None = None
) -> FormattedText:
    """Turns text + parse_mode (or explicit entities) into what Telegram would store."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown(text, v2=True)
    if mode == "markdown":
        return parse_markdown(text, v2=False)
    if mode:
        raise _ApiError(400, "Bad Request: unsupported parse_mode")
    return FormattedText(text, list(entities or []))


# ---------------------------------------------------------------------------------------------
# Recorded state
# ---------------------------------------------------------------------------------------------


@dataclass
class ApiCall:
    """One request the bot made; exactly one of ``result`` / ``error`` is set."""

    method: str
    params: JSONDict
    result: Any | None
    error: JSONDict | None
    at: float

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return value if isinstance(value, int) else None


@dataclass
class MessageEdit:
    """A message's state before one edit."""

    text: str | None
    caption: str | None
    parse_mode: str | None
    reply_markup: JSONDict | None
    at: float


@dataclass
class ChatMessage:
    """A message in a chat, sent by the bot (``from_bot``) or injected as a user's."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    text: str | None = None  # as sent, markup included (see plain_text)
    parse_mode: str | None = None
    entities: list[JSONDict] = field(default_factory=list)  # after parsing text or caption
    reply_markup: JSONDict | None = None
    caption: str | None = None
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None
    mime_type: str | None = None
    file_id: str | None = None
    file_path: Path | None = None  # where the upload was written, when files_dir is set
    location: tuple[float, float] | None = None
    # Who wrote a user message in a group or supergroup (in a private chat: the chat).
    sender_id: int | None = None
    deleted: bool = False
    edits: list[MessageEdit] = field(default_factory=list)
    edit_date: int | None = None
    created_seq: int = field(default=0, repr=False)  # ordering of all messages in the fake
    changed_seq: int = field(default=0, repr=False)  # ordering of creations, edits, deletions

    @property
    def edited(self) -> bool:
        return bool(self.edits)

    @property
    def plain_text(self) -> str:
        """What a person reads: markup removed and HTML entities unescaped."""
        raw = self.text if self.text is not None else self.caption
        if raw is None:
            return ""
        try:
            return parse_formatted(raw, self.parse_mode).text
        except (EntityParseError, _ApiError):
            return raw

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard rows as ``(text, callback_data or url)``."""
        if not self.reply_markup or "inline_keyboard" not in self.reply_markup:
            return []
        return [
            [
                (str(b.get("text", "")), b.get("callback_data", b.get("url")))
                for b in row
                if isinstance(b, dict)
            ]
            for row in self.reply_markup["inline_keyboard"]
        ]

    def button_texts(self) -> list[str]:
        return [text for row in self.buttons for text, _ in row]

    def callback_data_for(self, button_text: str) -> str:
        """The callback_data of the button whose text contains ``button_text``."""
        for row in self.buttons:
            for text, data in row:
                if button_text in text and data is not None:
                    return data
        raise AssertionError(f"no button {button_text!r} in {self.button_texts()}")

    @property
    def keyboard(self) -> list[list[str]]:
        """Reply-keyboard rows (the keyboard replacing the user's own), if any."""
        if not self.reply_markup or "keyboard" not in self.reply_markup:
            return []
        return [
            [b if isinstance(b, str) else str(b.get("text", "")) for b in row]
            for row in self.reply_markup["keyboard"]
        ]


@dataclass
class _StoredFile:
    data: bytes
    filename: str | None
    mime_type: str | None
    file_path: str


@dataclass
class _Fault:
    method: str
    status: int
    description: str
    parameters: JSONDict | None
    times: int
    chat_id: int | None


@dataclass
class _Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class _CallbackQuery:
    query_id: str
    user_id: int
    message_id: int
    data: str
    answered: bool = False
    answer: ApiCall | None = None


class _ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.payload: JSONDict = {"ok": False, "error_code": code, "description": description}
        if parameters:
            self.payload["parameters"] = parameters

    @property
    def code(self) -> int:
        return int(self.payload["error_code"])


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------


@dataclass
class _Upload:
    filename: str | None
    data: bytes
    content_type: str | None


_Handler = Callable[[JSONDict, dict[str, _Upload]], Awaitable[Any]]


class FakeBotAPI:
    """An in-process Telegram Bot API for tests and the offline try-out.

    Rate limits when ``enforce_rate_limits`` is on: more than ``GLOBAL_SENDS_PER_SECOND`` sends
    within any one second overall, or a chat's token bucket (``CHAT_BURST`` messages, refilled at
    ``CHAT_SENDS_PER_SECOND``) running dry, answers 429 with ``retry_after``. Only sends count
    (sendMessage, sendPhoto, sendDocument, sendLocation); edits and callback answers do not.
    """

    GLOBAL_SENDS_PER_SECOND = 30
    CHAT_BURST = 3
    CHAT_SENDS_PER_SECOND = 1.0
    WEBHOOK_RETRY_MAX = 1.0

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
        self._webhook: _Webhook | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_busy = False
        self._callbacks: dict[str, _CallbackQuery] = {}
        self._next_callback = 0
        self._files: dict[str, _StoredFile] = {}
        self._next_file = 0
        self._faults: list[_Fault] = []
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
        self._handlers: dict[str, tuple[str, _Handler]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "editMessageCaption": self._edit_message_caption,
                "editMessageMedia": self._edit_message_media,
                "answerCallbackQuery": self._answer_callback_query,
                "deleteMessage": self._delete_message,
                "deleteMessages": self._delete_messages,
                "sendPhoto": self._send_photo,
                "sendDocument": self._send_document,
                "sendLocation": self._send_location,
                "sendChatAction": self._send_chat_action,
                "getFile": self._get_file,
                "leaveChat": self._leave_chat,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "setMyDescription": self._setting("description"),
                "setMyShortDescription": self._setting("short_description"),
                "setChatMenuButton": self._setting("menu_button"),
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "close": self._true,
                "logOut": self._true,
            }.items()
        }
        media.install(self)  # media: sendVoice, sendMediaGroup

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

    @property
    def bot_user(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

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
                    raise _ApiError(404, "Not Found: method not found")
                self._check_faults(method, params)
                result = await entry[1](params, uploads)
            except _ApiError as exc:
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

    async def _read_params(self, request: web.Request) -> tuple[JSONDict, dict[str, _Upload]]:
        params: JSONDict = {k: self._coerce(k, v) for k, v in request.query.items()}
        uploads: dict[str, _Upload] = {}
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
                uploads[key] = _Upload(value.filename, value.file.read(), value.content_type)
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

    # -- faults, blocking, delays, rate limits --------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Makes the next ``times`` matching calls fail with a Telegram-shaped error.

        ``method="*"`` matches any method except getUpdates.
        """
        parameters: JSONDict | None = None
        if status == 429 or retry_after is not None:
            retry_after = retry_after if retry_after is not None else 1
            parameters = {"retry_after": retry_after}
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _DEFAULT_ERROR_TEXT.get(status, "Error")
        self._faults.append(_Fault(method, status, description, parameters, times, chat_id))

    def block_user(self, chat_id: int) -> None:
        """Every send to this chat answers 403 until ``unblock_user``."""
        self._blocked.add(chat_id)

    def unblock_user(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def delay(self, method: str, seconds: float) -> None:
        """Holds every ``method`` call for ``seconds`` before handling it (0 removes it)."""
        if seconds > 0:
            self._delays[method] = seconds
        else:
            self._delays.pop(method, None)

    def _check_faults(self, method: str, params: JSONDict) -> None:
        chat_id = params.get("chat_id")
        for fault in self._faults:
            if fault.method not in (method, "*") or (
                fault.method == "*" and method == "getUpdates"
            ):
                continue
            if fault.chat_id is not None and fault.chat_id != chat_id:
                continue
            fault.times -= 1
            if fault.times <= 0:
                self._faults.remove(fault)
            raise _ApiError(fault.status, fault.description, fault.parameters)
        if method in _CHAT_DELIVERY_METHODS and chat_id in self._blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        if method in _CHAT_DELIVERY_METHODS and chat_id in self.left_chats:
            raise _ApiError(403, "Forbidden: bot is not a member of the group chat")
        if self.enforce_rate_limits and method in _SEND_METHODS and isinstance(chat_id, int):
            self._check_rate(chat_id)

    def _check_rate(self, chat_id: int) -> None:
        now = self.clock()
        recent = sum(1 for at, _ in self.send_log if now - at < 1.0)
        if recent >= self.GLOBAL_SENDS_PER_SECOND:
            raise _ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        tokens = self._chat_tokens(chat_id, now)
        if tokens < 1:
            wait = max(1, math.ceil((1 - tokens) / self.CHAT_SENDS_PER_SECOND))
            raise _ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})

    def _chat_tokens(self, chat_id: int, now: float) -> float:
        tokens, at = self._chat_buckets.get(chat_id, (float(self.CHAT_BURST), now))
        return min(float(self.CHAT_BURST), tokens + (now - at) * self.CHAT_SENDS_PER_SECOND)

    def _record_send(self, chat_id: int) -> None:
        now = self.clock()
        self.send_log.append((now, chat_id))
        self._chat_buckets[chat_id] = (self._chat_tokens(chat_id, now) - 1, now)

    def max_sends_per_second(self, chat_id: int | None = None) -> int:
        """The most sends seen within any one-second window (overall or for one chat)."""
        times = [at for at, chat in self.send_log if chat_id is None or chat == chat_id]
        best, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best

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
        width, height = _image_size(msg.photo or b"")
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

    def messages(self, chat_id: int) -> list[ChatMessage]:
        """The bot's messages in the chat that were not deleted, oldest first."""
        return [m for m in self._chats.get(chat_id, {}).values() if m.from_bot and not m.deleted]

    def history(self, chat_id: int) -> list[ChatMessage]:
        """Every message in the chat, both sides, deleted ones included."""
        return list(self._chats.get(chat_id, {}).values())

    def last_message(self, chat_id: int) -> ChatMessage | None:
        msgs = self.messages(chat_id)
        return msgs[-1] if msgs else None

    def message(self, chat_id: int, message_id: int) -> ChatMessage | None:
        return self._chats.get(chat_id, {}).get(message_id)

    def user_message(self, chat_id: int, message_id: int) -> ChatMessage | None:
        msg = self.message(chat_id, message_id)
        return msg if msg is not None and not msg.from_bot else None

    def answered_callback(self, callback_query_id: str) -> ApiCall | None:
        query = self._callbacks.get(callback_query_id)
        return query.answer if query else None

    @property
    def undelivered(self) -> int:
        """Updates Telegram still holds: not yet confirmed by the bot (polling) or not
        yet answered with a 2xx (webhook)."""
        return len(self._pending)

    def chat_ids(self) -> list[int]:
        return list(self._chats)

    def transcript(self, chat_id: int) -> str:
        """A readable dump of the chat and of the bot's failed calls there, for failures."""
        lines = [f"chat {chat_id}:"]
        for msg in self.history(chat_id):
            who = "bot" if msg.from_bot else "user"
            flags = "".join(
                [" (edited)" if msg.edited else "", " (deleted)" if msg.deleted else ""]
            )
            body = msg.plain_text
            if msg.photo is not None or msg.document is not None:
                body = f"[{'photo' if msg.photo is not None else msg.filename}] {body}"
            if msg.location is not None:
                body = f"[location {msg.location}]"
            lines.append(f"  #{msg.message_id} {who}{flags}: {body}")
            for row in msg.buttons:
                lines.append("      " + "  ".join(f"[{t} | {d}]" for t, d in row))
        errors = [c for c in self.calls if c.error and c.params.get("chat_id") == chat_id]
        for call in errors[-10:]:
            assert call.error is not None
            lines.append(f"  ! {call.method} -> {call.error['description']}")
        return "\n".join(lines)

    # -- waiting helpers ------------------------------------------------------------------------

    async def wait_for_message(
        self,
        chat_id: int,
        *,
        contains: str | None = None,
        predicate: Callable[[ChatMessage], bool] | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - failing with the transcript needs our own
        after: int | None = None,
    ) -> ChatMessage:
        """Waits for a bot message in the chat matching ``contains`` / ``predicate``.

        With ``after`` (a message id, usually the one ``send_text`` returned) only messages sent
        or edited after that message was created count. Returns the most recently changed match
        (a live object that later edits update).
        """
        anchor = self.message(chat_id, after) if after is not None else None
        # Creation order, not last change: the bot may delete the anchor (a password) first.
        baseline = anchor.created_seq if anchor is not None else None

        def is_new(msg: ChatMessage) -> bool:
            if baseline is not None:
                return msg.changed_seq > baseline
            return after is None or msg.message_id > after

        def find() -> ChatMessage | None:
            for msg in sorted(self.messages(chat_id), key=lambda m: -m.changed_seq):
                if not is_new(msg):
                    continue
                if contains is not None and contains not in msg.plain_text:
                    continue
                if predicate is not None and not predicate(msg):
                    continue
                return msg
            return None

        found: list[ChatMessage] = []

        def check() -> bool:
            msg = find()
            if msg is not None:
                found.append(msg)
            return msg is not None

        if await self._wait_until(check, timeout):
            return found[-1]
        wanted = f"containing {contains!r}" if contains is not None else "matching"
        raise AssertionError(
            f"no bot message {wanted} in chat {chat_id} within {timeout}s\n"
            + self.transcript(chat_id)
        )

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - see wait_for_message
        *,
        since: int = 0,
    ) -> ApiCall:
        """Waits for a call to ``method`` (among ``calls[since:]``) matching ``predicate``."""
        found: list[ApiCall] = []

        def check() -> bool:
            for call in self.calls[since:]:
                if call.method == method and (predicate is None or predicate(call)):
                    found.append(call)
                    return True
            return False

        if await self._wait_until(check, timeout):
            return found[0]
        recent = ", ".join(c.method for c in self.calls[-20:] if c.method != "getUpdates")
        raise AssertionError(
            f"the bot did not call {method} within {timeout}s; recent calls: {recent}"
        )

    async def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Waits until no request is in flight, the bot made no call for ``quiet`` seconds,
        and (see ``bot_busy``) it is handling no update."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            idle = self._inflight == 0 and not self._webhook_busy
            if idle and self.bot_busy is not None and self.bot_busy():
                idle = False
            quiet_for = now - self._last_activity
            if idle and quiet_for >= quiet:
                return
            if now >= deadline:
                raise AssertionError(f"the bot kept busy for more than {timeout}s")
            pause = quiet - quiet_for if idle else 0.02
            await asyncio.sleep(max(0.01, min(pause, deadline - now)))

    # -- injecting user activity ----------------------------------------------------------------

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

    async def send_text(
        self,
        user_id: int,
        text: str,
        *,
        entities: list[JSONDict] | None = None,
        first_name: str = "Test",
        username: str | None = None,
        language_code: str | None = "en",
        chat_id: int | None = None,
        date: int | None = None,
    ) -> int:
        """A user writes ``text`` in their private chat, or in the group, supergroup or
        channel ``chat_id`` (see ``add_group``); returns the new message's id. ``date``
        (Unix time) for a message written earlier and delivered late."""
        self._remember_user(user_id, first_name, username, language_code)
        msg = self._new_message(user_id if chat_id is None else chat_id, from_bot=False)
        msg.sender_id = user_id
        if date is not None:
            msg.date = date
        msg.text = text
        if entities is not None:
            msg.entities = list(entities)
        else:
            command = _BOT_COMMAND_RE.match(text)
            if command:
                msg.entities = [
                    {"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}
                ]
        kind = "channel_post" if self._chat_json(msg.chat_id)["type"] == "channel" else "message"
        self._enqueue(kind, self._message_json(msg))
        return msg.message_id

    def add_group(self, chat_id: int, kind: str = "group", title: str | None = None) -> None:
        """Makes ``chat_id`` a group, supergroup or channel that users can write in."""
        if kind not in {"group", "supergroup", "channel"}:
            raise ValueError(f"not a group chat type: {kind}")
        self._group_chats[chat_id] = {"id": chat_id, "type": kind, "title": title or kind}

    async def add_bot_to_group(self, user_id: int, chat_id: int) -> int:
        """``user_id`` adds the bot to the group ``chat_id``: a ``my_chat_member`` update."""
        if chat_id not in self._group_chats:
            self.add_group(chat_id)
        if user_id not in self._users:
            self._remember_user(user_id, "Test", None, "en")
        self.left_chats.discard(chat_id)
        return self._enqueue(
            "my_chat_member",
            {
                "chat": self._chat_json(chat_id),
                "from": self._user_json(user_id),
                "date": int(time.time()),
                "old_chat_member": {"user": self.bot_user, "status": "left"},
                "new_chat_member": {"user": self.bot_user, "status": "member"},
            },
        )

    async def edit_text(self, user_id: int, message_id: int, new_text: str) -> None:
        """The user edits one of their messages (an ``edited_message`` update)."""
        msg = self.user_message(user_id, message_id)
        if msg is None or msg.deleted:
            raise ValueError(f"user {user_id} has no message {message_id} to edit")
        msg.edits.append(MessageEdit(msg.text, msg.caption, None, None, self.clock()))
        msg.edit_date = int(time.time())
        msg.text = new_text
        command = _BOT_COMMAND_RE.match(new_text)
        msg.entities = (
            [{"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}]
            if command
            else []
        )
        msg.changed_seq = self._next_seq()
        self._enqueue("edited_message", self._message_json(msg))

    async def send_photo(
        self,
        user_id: int,
        caption: str | None = None,
        *,
        data: bytes | None = None,
        first_name: str = "Test",
    ) -> int:
        """The user sends a photo (stored so the bot can getFile/download it)."""
        if user_id not in self._users:
            self._remember_user(user_id, first_name, None, "en")
        msg = self._new_message(user_id, from_bot=False)
        msg.photo = data if data is not None else _TINY_PNG
        msg.caption = caption
        msg.file_id = self._store_file(msg.photo, "photo.png", "image/png", "photos").file_id
        self._enqueue("message", self._message_json(msg))
        return msg.message_id

    async def send_location(
        self, user_id: int, lat: float, lon: float, *, first_name: str = "Test"
    ) -> int:
        if user_id not in self._users:
            self._remember_user(user_id, first_name, None, "en")
        msg = self._new_message(user_id, from_bot=False)
        msg.location = (lat, lon)
        self._enqueue("message", self._message_json(msg))
        return msg.message_id

    async def press(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        *,
        first_name: str = "Test",
        chat_id: int | None = None,
    ) -> str:
        """The user presses an inline button; returns the callback query id.

        The button need not exist: forged presses (unknown message, made-up data) are allowed so
        the bot's defences can be tested.
        """
        if user_id not in self._users:
            self._remember_user(user_id, first_name, None, "en")
        self._next_callback += 1
        query_id = str(4_000_000_000_000 + self._next_callback)
        in_chat = user_id if chat_id is None else chat_id
        msg = self.message(in_chat, message_id)
        if msg is not None and not msg.deleted:
            message = self._message_json(msg)
        else:
            message = {
                "message_id": message_id,
                "from": self.bot_user,
                "chat": self._chat_json(in_chat),
                "date": int(time.time()),
            }
        self._callbacks[query_id] = _CallbackQuery(query_id, user_id, message_id, callback_data)
        self._enqueue(
            "callback_query",
            {
                "id": query_id,
                "from": self._user_json(user_id),
                "chat_instance": str(user_id * 7919),
                "message": message,
                "data": callback_data,
            },
        )
        return query_id

    async def press_button(self, user_id: int, button_text: str) -> str:
        """Presses the button whose text contains ``button_text`` on the latest message."""
        for msg in reversed(self.messages(user_id)):
            if any(button_text in text for text in msg.button_texts()):
                data = msg.callback_data_for(button_text)
                return await self.press(user_id, msg.message_id, data)
        raise AssertionError(f"no button {button_text!r}\n{self.transcript(user_id)}")

    # -- files ----------------------------------------------------------------------------------

    def _store_file(
        self, data: bytes, filename: str | None, mime_type: str | None, folder: str
    ) -> _StoredFileRef:
        self._next_file += 1
        file_id = f"FILE{self._next_file:06d}"
        suffix = Path(filename).suffix if filename else ""
        stored = _StoredFile(data, filename, mime_type, f"{folder}/file_{self._next_file}{suffix}")
        self._files[file_id] = stored
        return _StoredFileRef(file_id, stored)

    def _write_upload(self, msg: ChatMessage, data: bytes, filename: str) -> None:
        if self.files_dir is None:
            return
        self.files_dir.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", Path(filename).name) or "file"
        path = self.files_dir / f"{msg.chat_id}-{msg.message_id}-{safe}"
        path.write_bytes(data)
        msg.file_path = path

    # -- validation helpers -----------------------------------------------------------------------

    def _chat_id(self, params: JSONDict) -> int:
        value = params.get("chat_id")
        if isinstance(value, bool) or value is None or value == "":
            raise _bad("chat_id is empty")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.startswith("@"):
            for user_id, user in self._users.items():
                if user.get("username") == value[1:]:
                    return user_id
        raise _bad("chat not found")

    @staticmethod
    def _reply_markup(params: JSONDict) -> JSONDict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        keyboard = markup.get("inline_keyboard")
        if keyboard is None:
            return markup
        if not isinstance(keyboard, list) or not all(isinstance(r, list) for r in keyboard):
            raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
        for row in keyboard:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad("can't parse inline keyboard button: Text must be non-empty")
                if "callback_data" in button:
                    data = button["callback_data"]
                    size = len(str(data).encode())
                    if not isinstance(data, str) or not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                        raise _bad("BUTTON_DATA_INVALID")
                elif len(button) == 1:
                    raise _bad("text buttons are unallowed in the inline keyboard")
        return markup

    @staticmethod
    def _text(params: JSONDict, key: str, limit: int) -> tuple[str, FormattedText]:
        raw = params.get(key)
        text = raw if isinstance(raw, str) else ("" if raw is None else json.dumps(raw))
        entities = params.get("entities" if key == "text" else "caption_entities")
        try:
            formatted = parse_formatted(
                text, params.get("parse_mode"), entities if isinstance(entities, list) else None
            )
        except EntityParseError as exc:
            raise _bad(f"can't parse entities: {exc}") from exc
        stripped = formatted.text.strip()
        if key == "text" and not stripped:
            raise _bad("message text is empty")
        if len(stripped) > limit:
            raise _bad("message is too long" if key == "text" else "message caption is too long")
        return text, formatted

    def _check_reply_target(self, chat_id: int, params: JSONDict) -> None:
        reply = params.get("reply_parameters")
        target = reply.get("message_id") if isinstance(reply, dict) else None
        target = target if target is not None else params.get("reply_to_message_id")
        allow = params.get("allow_sending_without_reply") or (
            isinstance(reply, dict) and reply.get("allow_sending_without_reply")
        )
        if isinstance(target, int) and not allow:
            msg = self.message(chat_id, target)
            if msg is None or msg.deleted:
                raise _bad("message to be replied not found")

    def _editable(self, params: JSONDict) -> ChatMessage:
        if params.get("inline_message_id"):
            raise _bad("message to edit not found")
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        msg = self.message(chat_id, message_id) if isinstance(message_id, int) else None
        if msg is None or msg.deleted:
            raise _bad("message to edit not found")
        if not msg.from_bot:
            raise _bad("message can't be edited")
        return msg

    def _apply_edit(
        self,
        msg: ChatMessage,
        *,
        text: str | None,
        caption: str | None,
        parse_mode: str | None,
        entities: list[JSONDict],
        markup: JSONDict | None,
        force: bool = False,
    ) -> JSONDict:
        old = self._message_json(msg)
        candidate = dataclasses.replace(
            msg,
            text=text,
            caption=caption,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=markup,
        )
        if not force and old == self._message_json(candidate):
            raise _bad(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        msg.edits.append(
            MessageEdit(msg.text, msg.caption, msg.parse_mode, msg.reply_markup, self.clock())
        )
        msg.text, msg.caption, msg.parse_mode = text, caption, parse_mode
        msg.entities, msg.reply_markup = entities, markup
        msg.edit_date = int(time.time())
        msg.changed_seq = self._next_seq()
        return self._message_json(msg)

    # -- method handlers ------------------------------------------------------------------------

    async def _true(self, params: JSONDict, uploads: dict[str, _Upload]) -> bool:
        return True

    def _setting(self, name: str) -> _Handler:
        async def handler(params: JSONDict, uploads: dict[str, _Upload]) -> bool:
            self.bot_settings[name] = params
            return True

        return handler

    async def _get_me(self, params: JSONDict, uploads: dict[str, _Upload]) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _update_allowed(self, update: JSONDict) -> bool:
        kind = next(k for k in update if k != "update_id")
        if not self._allowed_updates:
            return kind not in _DEFAULT_EXCLUDED_UPDATES
        return kind in self._allowed_updates

    async def _get_updates(self, params: JSONDict, uploads: dict[str, _Upload]) -> list[JSONDict]:
        if self._webhook is not None:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(100, max(1, int(params.get("limit") or 100)))
        timeout = float(params.get("timeout") or 0)
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = params["allowed_updates"]
        # Confirming: updates before offset are forgotten (negative offset counts from the end).
        if offset < 0:
            self._pending = self._pending[offset:]
        elif offset:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        self._poll_generation += 1
        generation = self._poll_generation

        def ready() -> bool:
            self._pending = [u for u in self._pending if self._update_allowed(u)]
            return bool(self._pending) or self._closing or generation != self._poll_generation

        self.polls_waiting += 1
        self._bump()
        try:
            await self._wait_until(ready, timeout)
        finally:
            self.polls_waiting -= 1
        if self._webhook is not None:
            raise _ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        if generation != self._poll_generation:
            raise _ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return self._pending[:limit]

    async def _send_message(self, params: JSONDict, uploads: dict[str, _Upload]) -> JSONDict:
        chat_id = self._chat_id(params)
        text, formatted = self._text(params, "text", MAX_TEXT_LENGTH)
        markup = self._reply_markup(params)
        self._check_reply_target(chat_id, params)
        msg = self._new_message(chat_id, from_bot=True)
        msg.text, msg.parse_mode, msg.reply_markup = text, params.get("parse_mode"), markup
        msg.entities = formatted.entities
        self._record_send(chat_id)
        return self._message_json(msg)

    async def _send_file(
        self, params: JSONDict, uploads: dict[str, _Upload], kind: str
    ) -> JSONDict:
        chat_id = self._chat_id(params)
        caption: str | None = None
        formatted = FormattedText("", [])
        if params.get("caption") is not None:
            caption, formatted = self._text(params, "caption", MAX_CAPTION_LENGTH)
        markup = self._reply_markup(params)
        self._check_reply_target(chat_id, params)
        value = params.get(kind)
        upload = uploads.get(kind)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = uploads.get(value.removeprefix("attach://"))
        data: bytes | None
        filename: str | None
        mime: str | None
        if upload is not None:
            data, filename, mime = upload.data, upload.filename, upload.content_type
        elif isinstance(value, str) and value in self._files:
            stored = self._files[value]
            data, filename, mime = stored.data, stored.filename, stored.mime_type
        elif isinstance(value, str) and value.startswith(("http://", "https://")):
            data, filename, mime = None, value.rsplit("/", 1)[-1] or kind, None
        else:
            raise _bad(f"there is no {kind} in the request")
        if data is not None and not data:
            raise _bad("file must be non-empty")
        msg = self._new_message(chat_id, from_bot=True)
        msg.caption, msg.parse_mode, msg.reply_markup = caption, params.get("parse_mode"), markup
        msg.entities = formatted.entities
        if kind == "photo":
            filename = _photo_name(data or b"", filename)
        msg.filename, msg.mime_type = filename or kind, mime
        if kind == "photo":
            msg.photo = data or b""
        else:
            msg.document = data or b""
        if data is not None:
            msg.file_id = self._store_file(data, filename, mime, f"{kind}s").file_id
            self._write_upload(msg, data, filename or kind)
        else:
            msg.file_id = f"URL{self._next_file}"
        self._record_send(chat_id)
        return self._message_json(msg)

    async def _send_photo(self, params: JSONDict, uploads: dict[str, _Upload]) -> JSONDict:
        return await self._send_file(params, uploads, "photo")

    async def _send_document(self, params: JSONDict, uploads: dict[str, _Upload]) -> JSONDict:
        return await self._send_file(params, uploads, "document")

    async def _send_location(self, params: JSONDict, uploads: dict[str, _Upload]) -> JSONDict:
        chat_id = self._chat_id(params)
        try:
            lat, lon = float(params["latitude"]), float(params["longitude"])
        except (KeyError, TypeError, ValueError) as exc:
            raise _bad("wrong latitude or longitude") from exc
        msg = self._new_message(chat_id, from_bot=True)
        msg.location = (lat, lon)
        msg.reply_markup = self._reply_markup(params)
        self._record_send(chat_id)
        return self._message_json(msg)

    async def _edit_message_text(self, params: JSONDict, uploads: dict[str, _Upload]) -> JSONDict:
        msg = self._editable(params)
        if msg.text is None:
            raise _bad("there is no text in the message to edit")
        text, formatted = self._text(params, "text", MAX_TEXT_LENGTH)
        # Like Telegram: omitting reply_markup removes the inline keyboard.
        return self._apply_edit(
            msg,
            text=text,
            caption=None,
            parse_mode=params.get("parse_mode"),
            entities=formatted.entities,
            markup=self._reply_markup(params),
        )

    async def _edit_message_caption(
        self, params: JSONDict, uploads: dict[str, _Upload]
    ) -> JSONDict:
        msg = self._editable(params)
        if msg.text is not None or msg.location is not None:
            raise _bad("there is no caption in the message to edit")
        caption: str | None = None
        formatted = FormattedText("", [])
        if params.get("caption") is not None:
            caption, formatted = self._text(params, "caption", MAX_CAPTION_LENGTH)
        return self._apply_edit(
            msg,
            text=None,
            caption=caption,
            parse_mode=params.get("parse_mode"),
            entities=formatted.entities,
            markup=self._reply_markup(params),
        )

    async def _edit_message_media(self, params: JSONDict, uploads: dict[str, _Upload]) -> JSONDict:
        """Replaces a photo or document (new file, caption and keyboard). Like Telegram,
        a text message cannot become a media message."""
        msg = self._editable(params)
        if msg.photo is None and msg.document is None:
            raise _bad("there is no media in the message to edit")
        media = params.get("media")
        if isinstance(media, str):
            try:
                media = json.loads(media)
            except ValueError as exc:
                raise _bad("can't parse InputMedia JSON object") from exc
        kind = media.get("type") if isinstance(media, dict) else None
        if kind not in ("photo", "document"):
            raise _bad("wrong type of the media specified")
        assert isinstance(media, dict)
        source = media.get("media")
        upload = None
        if isinstance(source, str) and source.startswith("attach://"):
            upload = uploads.get(source.removeprefix("attach://"))
        if upload is None or not upload.data:
            raise _bad("wrong file identifier or HTTP URL specified")
        caption: str | None = None
        formatted = FormattedText("", [])
        if media.get("caption") is not None:
            caption, formatted = self._text(media, "caption", MAX_CAPTION_LENGTH)
        self._apply_edit(
            msg,
            text=None,
            caption=caption,
            parse_mode=media.get("parse_mode"),
            entities=formatted.entities,
            markup=self._reply_markup(params),
            force=True,  # a new file is a change even with the same caption and keyboard
        )
        filename = upload.filename
        if kind == "photo":
            msg.photo, msg.document = upload.data, None
            filename = _photo_name(upload.data, filename)
        else:
            msg.photo, msg.document = None, upload.data
        msg.filename, msg.mime_type = filename or kind, upload.content_type
        msg.file_id = self._store_file(
            upload.data, filename, upload.content_type, f"{kind}s"
        ).file_id
        self._write_upload(msg, upload.data, filename or kind)
        return self._message_json(msg)

    async def _edit_message_reply_markup(
        self, params: JSONDict, uploads: dict[str, _Upload]
    ) -> JSONDict:
        msg = self._editable(params)
        return self._apply_edit(
            msg,
            text=msg.text,
            caption=msg.caption,
            parse_mode=msg.parse_mode,
            entities=msg.entities,
            markup=self._reply_markup(params),
        )

    async def _delete_message(self, params: JSONDict, uploads: dict[str, _Upload]) -> bool:
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        msg = self.message(chat_id, message_id) if isinstance(message_id, int) else None
        if msg is None or msg.deleted:
            raise _bad("message to delete not found")
        msg.deleted = True
        msg.changed_seq = self._next_seq()
        return True

    async def _delete_messages(self, params: JSONDict, uploads: dict[str, _Upload]) -> bool:
        chat_id = self._chat_id(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message_ids must be a non-empty list of at most 100 ids")
        for message_id in ids:
            msg = self.message(chat_id, message_id) if isinstance(message_id, int) else None
            if msg is not None and not msg.deleted:
                msg.deleted = True
                msg.changed_seq = self._next_seq()
        return True

    async def _answer_callback_query(self, params: JSONDict, uploads: dict[str, _Upload]) -> bool:
        query = self._callbacks.get(str(params.get("callback_query_id", "")))
        if query is None or query.answered:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        query.answered = True
        return True

    async def _send_chat_action(self, params: JSONDict, uploads: dict[str, _Upload]) -> bool:
        self._chat_id(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    async def _leave_chat(self, params: JSONDict, uploads: dict[str, _Upload]) -> bool:
        chat_id = self._chat_id(params)
        if self._chat_json(chat_id)["type"] == "private":
            raise _bad("chat member status can't be changed in private chats")
        self.left_chats.add(chat_id)
        return True

    async def _get_file(self, params: JSONDict, uploads: dict[str, _Upload]) -> JSONDict:
        file_id = str(params.get("file_id", ""))
        stored = self._files.get(file_id.removesuffix("-thumb"))
        if stored is None:
            raise _bad("invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    @staticmethod
    def _commands_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def _set_my_commands(self, params: JSONDict, uploads: dict[str, _Upload]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("commands must be an Array")
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("BOT_COMMAND_INVALID")
            if not _COMMAND_NAME_RE.match(str(command.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params)
        if commands:
            self.commands[key] = commands
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(
        self, params: JSONDict, uploads: dict[str, _Upload]
    ) -> list[JSONDict]:
        return self.commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: JSONDict, uploads: dict[str, _Upload]) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def my_commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[str]:
        """Command names the bot registered for the scope (default scope when None)."""
        key = self._commands_key({"scope": scope, "language_code": language_code})
        return [str(c["command"]) for c in self.commands.get(key, [])]

    # -- webhook --------------------------------------------------------------------------------

    async def _set_webhook(self, params: JSONDict, uploads: dict[str, _Upload]) -> bool:
        url = str(params.get("url") or "")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = params["allowed_updates"]
        await self._stop_webhook_worker()
        if not url:
            self._webhook = None
            return True
        if not url.startswith(("http://", "https://")):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _bad("secret token contains unallowed characters")
        self._webhook = _Webhook(
            url, str(secret) if secret else None, int(params.get("max_connections") or 40)
        )
        # Wake any long poll so it answers 409 like Telegram does.
        self._poll_generation += 1
        self._webhook_task = asyncio.create_task(self._webhook_worker(self._webhook))
        return True

    async def _delete_webhook(self, params: JSONDict, uploads: dict[str, _Upload]) -> bool:
        if params.get("drop_pending_updates"):
            self._pending.clear()
        await self._stop_webhook_worker()
        self._webhook = None
        return True

    async def _get_webhook_info(self, params: JSONDict, uploads: dict[str, _Upload]) -> JSONDict:
        hook = self._webhook
        info: JSONDict = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        if self._allowed_updates:
            info["allowed_updates"] = self._allowed_updates
        return info

    async def _stop_webhook_worker(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._webhook_busy = False

    async def _webhook_worker(self, hook: _Webhook) -> None:
        """Delivers pending updates one at a time, in order, retrying until accepted."""
        backoff = 0.05
        while self._webhook is hook and not self._closing:
            since = self._change_counter
            self._pending = [u for u in self._pending if self._update_allowed(u)]
            if not self._pending:
                await self.wait_for_change(since)
                continue
            update = self._pending[0]
            headers = {"Content-Type": "application/json"}
            if hook.secret_token:
                headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
            error: str | None = None
            self._webhook_busy = True
            try:
                assert self._session is not None
                async with self._session.post(
                    hook.url, data=json.dumps(update), headers=headers
                ) as resp:
                    if not 200 <= resp.status < 300:
                        error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
            except (ClientError, TimeoutError, OSError) as exc:
                error = f"Connection failed: {exc}"
            finally:
                self._webhook_busy = False
            if error is None:
                if update in self._pending:
                    self._pending.remove(update)
                self._last_activity = time.monotonic()
                backoff = 0.05
                self._bump()
            else:
                hook.last_error_date, hook.last_error_message = int(time.time()), error
                await self._wait_until(lambda: self._closing, backoff)
                backoff = min(backoff * 2, self.WEBHOOK_RETRY_MAX)


@dataclass
class _StoredFileRef:
    file_id: str
    stored: _StoredFile


def _photo_name(data: bytes, filename: str | None) -> str:
    """A name with the right extension: PTB names raw bytes "application.octet-stream"."""
    if filename and Path(filename).suffix.lower() in {".png", ".jpg", ".jpeg", ".webp", ".gif"}:
        return filename
    return "photo.png" if data.startswith(b"\x89PNG") else "photo.jpg"


def _image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG (charts are PNGs); a plausible default otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 320, 240


# A valid 1x1 PNG: the default picture a fake user sends.
_TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
