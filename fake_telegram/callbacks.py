"""Inline keyboards: a user pressing a button, and the bot answering the callback query."""

from __future__ import annotations

import time

from fake_telegram.errors import JSONDict, bad_request
from fake_telegram.inspection import Inspection
from fake_telegram.models import ApiCall, CallbackQuery, Upload
from fake_telegram.state import bot_method


class CallbackMethods(Inspection):
    """``press`` / ``press_button`` on the test side; answerCallbackQuery on the bot side."""

    @bot_method("answerCallbackQuery")
    async def _answer_callback_query(self, params: JSONDict, uploads: dict[str, Upload]) -> bool:
        query = self._callbacks.get(str(params.get("callback_query_id", "")))
        if query is None or query.answered:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        query.answered = True
        return True

    def answered_callback(self, callback_query_id: str) -> ApiCall | None:
        query = self._callbacks.get(callback_query_id)
        return query.answer if query else None

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
        self._callbacks[query_id] = CallbackQuery(query_id, user_id, message_id, callback_data)
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
