"""The test side's view of the chats: what the bot sent, and waiting for it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from fake_telegram.models import ApiCall, ChatMessage
from fake_telegram.state import FakeState


class Inspection(FakeState):
    """Reading chats (``messages``, ``transcript``) and waiting (``wait_for_message``,
    ``wait_for_call``, ``settle``)."""

    def messages(self, chat_id: int) -> list[ChatMessage]:
        """The bot's messages in the chat that were not deleted, oldest first."""
        return [m for m in self._chats.get(chat_id, {}).values() if m.from_bot and not m.deleted]

    def history(self, chat_id: int) -> list[ChatMessage]:
        """Every message in the chat, both sides, deleted ones included."""
        return list(self._chats.get(chat_id, {}).values())

    def last_message(self, chat_id: int) -> ChatMessage | None:
        msgs = self.messages(chat_id)
        return msgs[-1] if msgs else None

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
