"""Checks shared by every method that sends or edits a message, as Telegram words them."""

from __future__ import annotations

import dataclasses
import json
import time

from fake_telegram.errors import JSONDict, bad_request
from fake_telegram.formatting import EntityParseError, FormattedText, parse_formatted
from fake_telegram.models import ChatMessage, MessageEdit
from fake_telegram.state import MAX_CALLBACK_DATA_BYTES, FakeState


class OutgoingChecks(FakeState):
    """Reply markup, text limits, reply targets and the edit rules ("message is not
    modified") for the message and file methods."""

    @staticmethod
    def _reply_markup(params: JSONDict) -> JSONDict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        keyboard = markup.get("inline_keyboard")
        if keyboard is None:
            return markup
        if not isinstance(keyboard, list) or not all(isinstance(r, list) for r in keyboard):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array'
            )
        for row in keyboard:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise bad_request("can't parse inline keyboard button: Text must be non-empty")
                if "callback_data" in button:
                    data = button["callback_data"]
                    size = len(str(data).encode())
                    if not isinstance(data, str) or not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                        raise bad_request("BUTTON_DATA_INVALID")
                elif len(button) == 1:
                    raise bad_request("text buttons are unallowed in the inline keyboard")
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
            raise bad_request(f"can't parse entities: {exc}") from exc
        stripped = formatted.text.strip()
        if key == "text" and not stripped:
            raise bad_request("message text is empty")
        if len(stripped) > limit:
            raise bad_request(
                "message is too long" if key == "text" else "message caption is too long"
            )
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
                raise bad_request("message to be replied not found")

    def _editable(self, params: JSONDict) -> ChatMessage:
        if params.get("inline_message_id"):
            raise bad_request("message to edit not found")
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        msg = self.message(chat_id, message_id) if isinstance(message_id, int) else None
        if msg is None or msg.deleted:
            raise bad_request("message to edit not found")
        if not msg.from_bot:
            raise bad_request("message can't be edited")
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
            raise bad_request(
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
