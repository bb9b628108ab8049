"""A fake Telegram Bot API server and a terminal chat on top of it (tests, offline try-out).

``FakeBotAPI`` (server.py: lifecycle and HTTP) is made of one mixin per group of Bot API
methods, each deriving from ``FakeState`` (state.py) and marking its handlers with
``@bot_method("name")``: messages.py, files.py, callbacks.py, chats.py, profile.py,
updates.py. The test side is users.py (a user writes, edits, sends a photo), faults.py
(failures, rate limits) and inspection.py (reading the chats, waiting). A new group of
methods is a new module with such a mixin, added to ``FakeBotAPI``'s bases.
"""

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
