"""What the fake records: calls, messages, their edits, and the small records behind them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fake_telegram.errors import ApiError, JSONDict
from fake_telegram.formatting import EntityParseError, parse_formatted


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
        except (EntityParseError, ApiError):
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
class StoredFile:
    data: bytes
    filename: str | None
    mime_type: str | None
    file_path: str


@dataclass
class Fault:
    method: str
    status: int
    description: str
    parameters: JSONDict | None
    times: int
    chat_id: int | None


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class CallbackQuery:
    query_id: str
    user_id: int
    message_id: int
    data: str
    answered: bool = False
    answer: ApiCall | None = None


@dataclass
class StoredFileRef:
    file_id: str
    stored: StoredFile


@dataclass
class Upload:
    filename: str | None
    data: bytes
    content_type: str | None


Handler = Callable[[JSONDict, dict[str, Upload]], Awaitable[Any]]
