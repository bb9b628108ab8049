"""Chat with the bot in a terminal through FakeBotAPI (the offline try-out)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
import threading
from collections.abc import Awaitable, Callable

from fake_telegram.server import ChatMessage, FakeBotAPI

ReadLine = Callable[[str], Awaitable[str | None]]
PROMPT = "you> "
_BUTTON_RE = re.compile(r"(#)?(\d+)")


class StdinLines:
    """Lines typed on standard input, for ``run_terminal_chat``.

    A daemon thread does the blocking reads. ``input()`` in ``asyncio.to_thread`` would hold
    the process after Ctrl-C until Enter, because ``asyncio.run`` waits for its executor's
    threads; a daemon thread is left behind at exit. It reads the file descriptor itself: a
    thread blocked inside ``sys.stdin`` holds that object's lock, which the interpreter needs
    while shutting down.
    """

    def __init__(self, fd: int = 0, write_prompt: Callable[[str], None] | None = None) -> None:
        self._fd = fd
        self._write_prompt = write_prompt or _write_prompt
        self._loop = asyncio.get_running_loop()
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        threading.Thread(target=self._pump, name="stdin-lines", daemon=True).start()

    def _pump(self) -> None:
        pending = b""
        while True:
            try:
                chunk = os.read(self._fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                break
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                self._put(line.decode(errors="replace").rstrip("\r"))
        if pending:
            self._put(pending.decode(errors="replace"))
        self._put(None)

    def _put(self, line: str | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is reading
            self._loop.call_soon_threadsafe(self._lines.put_nowait, line)

    async def read(self, prompt: str) -> str | None:
        """The next line (None at end of input), after showing ``prompt``."""
        self._write_prompt(prompt)
        line = await self._lines.get()
        if line is None:
            self._lines.put_nowait(None)  # end of input stays the end
        return line


def _write_prompt(prompt: str) -> None:
    sys.stdout.write(prompt)
    sys.stdout.flush()


def render_message(msg: ChatMessage, *, edited: bool = False) -> str:
    """The message as a person would see it, inline buttons numbered from 1."""
    lines: list[str] = []
    if msg.photo is not None:
        where = f"saved to {msg.file_path}" if msg.file_path else "received (no files directory)"
        lines.append(f"📷 photo {where}")
    elif msg.document is not None:
        where = f"saved to {msg.file_path}" if msg.file_path else f"{msg.filename} received"
        lines.append(f"📄 document {where}")
    if msg.location is not None:
        lines.append(f"📍 location {msg.location[0]}, {msg.location[1]}")
    if msg.plain_text:
        lines.extend(msg.plain_text.splitlines())
    number = 0
    for row in msg.buttons:
        cells = []
        for text, _ in row:
            number += 1
            cells.append(f"[{number}] {text}")
        lines.append("  ".join(cells))
    if msg.keyboard:
        lines.append("⌨  " + " | ".join(text for row in msg.keyboard for text in row))
    header = "bot (edited)> " if edited else "bot> "
    indent = "\n" + " " * len(header)
    return header + indent.join(lines or [""])


def _latest_with_buttons(api: FakeBotAPI, chat_id: int) -> ChatMessage | None:
    for msg in reversed(api.messages(chat_id)):
        if msg.buttons:
            return msg
    return None


async def run_terminal_chat(
    api: FakeBotAPI,
    *,
    user_id: int = 1000,
    first_name: str = "You",
    read_line: ReadLine | None = None,
    write: Callable[[str], None] = print,
) -> None:
    """Relays lines typed by a person to the bot and prints what the bot sends back.

    A bare number presses that button on the latest message with buttons (when it has that many
    buttons; otherwise it is sent as text); ``#3`` always means a button. ``/quit`` or end of
    input leaves.
    """
    read = read_line or StdinLines().read
    shown_edits: dict[int, int] = {}  # message id -> edits already shown
    presses: list[str] = []

    def show_changes() -> None:
        for msg in api.history(user_id):
            if not msg.from_bot:
                # The bot deletes messages holding secrets; say so, as the phone would.
                if msg.deleted and msg.message_id not in shown_edits:
                    write("🗑  (the bot deleted your message)")
                    shown_edits[msg.message_id] = -1
                continue
            seen = shown_edits.get(msg.message_id)
            if msg.deleted:
                if seen is not None and seen >= 0:
                    write("bot deleted a message")
                    shown_edits[msg.message_id] = -1
                continue
            if seen is None or seen < len(msg.edits):
                write(render_message(msg, edited=seen is not None))
                shown_edits[msg.message_id] = len(msg.edits)
        # A callback answer's text is the toast a phone would show after a press.
        for query_id in list(presses):
            answer = api.answered_callback(query_id)
            if answer is not None:
                presses.remove(query_id)
                if answer.params.get("text"):
                    write(f"ℹ️  {answer.params['text']}")

    async def watch() -> None:
        counter = api.change_counter
        while True:
            show_changes()
            counter = await api.wait_for_change(counter)

    write(
        f"Chatting with @{api.bot_username} as {first_name}. Type a message or /command; "
        "a number presses a button; /quit leaves."
    )
    watcher = asyncio.create_task(watch())
    try:
        while True:
            line = await read(PROMPT)
            if line is None or line.strip() == "/quit":
                break
            line = line.strip()
            if not line:
                continue
            if await _press_if_button(api, user_id, line, presses, write):
                continue
            await api.send_text(user_id, line, first_name=first_name)
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


async def _press_if_button(
    api: FakeBotAPI, user_id: int, line: str, presses: list[str], write: Callable[[str], None]
) -> bool:
    match = _BUTTON_RE.fullmatch(line)
    if match is None:
        return False
    explicit, number = match.group(1) is not None, int(match.group(2))
    msg = _latest_with_buttons(api, user_id)
    buttons = [button for row in msg.buttons for button in row] if msg else []
    if msg is None or not 1 <= number <= len(buttons):
        if explicit:
            write(f"(there is no button {number})")
        return explicit
    text, target = buttons[number - 1]
    raw = [b for row in (msg.reply_markup or {}).get("inline_keyboard", []) for b in row]
    if "callback_data" not in raw[number - 1]:
        write(f"🔗 {text}: {target}")  # a URL button: nothing for the bot to see
        return True
    write(f"(pressed [{text}])")
    presses.append(await api.press(user_id, msg.message_id, str(target)))
    return True
