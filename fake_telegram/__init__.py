"""A fake Telegram Bot API server and a terminal chat on top of it (tests, offline try-out)."""

from fake_telegram.server import (
    DEFAULT_TOKEN,
    ApiCall,
    ChatMessage,
    EntityParseError,
    FakeBotAPI,
    FormattedText,
    MessageEdit,
    parse_formatted,
    parse_html,
    parse_markdown,
)
from fake_telegram.terminal import render_message, run_terminal_chat

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
    "render_message",
    "run_terminal_chat",
]
