"""Group chats and the bot's membership: leaveChat, sendChatAction, a bot added to a group."""

from __future__ import annotations

import time

from fake_telegram.errors import JSONDict, bad_request
from fake_telegram.models import Upload
from fake_telegram.state import FakeState, bot_method

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


class ChatMethods(FakeState):
    """Chat-level Bot API methods and the test side of groups (``add_group``)."""

    @bot_method("sendChatAction")
    async def _send_chat_action(self, params: JSONDict, uploads: dict[str, Upload]) -> bool:
        self._chat_id(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    @bot_method("leaveChat")
    async def _leave_chat(self, params: JSONDict, uploads: dict[str, Upload]) -> bool:
        chat_id = self._chat_id(params)
        if self._chat_json(chat_id)["type"] == "private":
            raise bad_request("chat member status can't be changed in private chats")
        self.left_chats.add(chat_id)
        return True

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
