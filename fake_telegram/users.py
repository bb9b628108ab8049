"""The test side's users: writing, editing, sending a photo or a location to the bot."""

from __future__ import annotations

import time

from fake_telegram.errors import JSONDict
from fake_telegram.formatting import utf16_len
from fake_telegram.models import MessageEdit
from fake_telegram.state import BOT_COMMAND_RE, FakeState

# A valid 1x1 PNG: the default picture a fake user sends.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class UserActions(FakeState):
    """Each call injects one update, as if a person did it in a Telegram client."""

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
            command = BOT_COMMAND_RE.match(text)
            if command:
                msg.entities = [
                    {"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}
                ]
        kind = "channel_post" if self._chat_json(msg.chat_id)["type"] == "channel" else "message"
        self._enqueue(kind, self._message_json(msg))
        return msg.message_id

    async def edit_text(self, user_id: int, message_id: int, new_text: str) -> None:
        """The user edits one of their messages (an ``edited_message`` update)."""
        msg = self.user_message(user_id, message_id)
        if msg is None or msg.deleted:
            raise ValueError(f"user {user_id} has no message {message_id} to edit")
        msg.edits.append(MessageEdit(msg.text, msg.caption, None, None, self.clock()))
        msg.edit_date = int(time.time())
        msg.text = new_text
        command = BOT_COMMAND_RE.match(new_text)
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
        msg.photo = data if data is not None else TINY_PNG
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
