"""Bot API methods on text messages: send, edit, delete; and locations."""

from __future__ import annotations

from fake_telegram.errors import JSONDict, bad_request
from fake_telegram.formatting import FormattedText
from fake_telegram.models import Upload
from fake_telegram.outgoing import OutgoingChecks
from fake_telegram.state import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, bot_method


class MessageMethods(OutgoingChecks):
    """sendMessage, sendLocation, editMessageText/Caption/ReplyMarkup, deleteMessage(s)."""

    @bot_method("sendMessage")
    async def _send_message(self, params: JSONDict, uploads: dict[str, Upload]) -> JSONDict:
        chat_id = self._chat_id(params)
        text, formatted = self._text(params, "text", MAX_TEXT_LENGTH)
        markup = self._reply_markup(params)
        self._check_reply_target(chat_id, params)
        msg = self._new_message(chat_id, from_bot=True)
        msg.text, msg.parse_mode, msg.reply_markup = text, params.get("parse_mode"), markup
        msg.entities = formatted.entities
        self._record_send(chat_id)
        return self._message_json(msg)

    @bot_method("sendLocation")
    async def _send_location(self, params: JSONDict, uploads: dict[str, Upload]) -> JSONDict:
        chat_id = self._chat_id(params)
        try:
            lat, lon = float(params["latitude"]), float(params["longitude"])
        except (KeyError, TypeError, ValueError) as exc:
            raise bad_request("wrong latitude or longitude") from exc
        msg = self._new_message(chat_id, from_bot=True)
        msg.location = (lat, lon)
        msg.reply_markup = self._reply_markup(params)
        self._record_send(chat_id)
        return self._message_json(msg)

    @bot_method("editMessageText")
    async def _edit_message_text(self, params: JSONDict, uploads: dict[str, Upload]) -> JSONDict:
        msg = self._editable(params)
        if msg.text is None:
            raise bad_request("there is no text in the message to edit")
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

    @bot_method("editMessageCaption")
    async def _edit_message_caption(self, params: JSONDict, uploads: dict[str, Upload]) -> JSONDict:
        msg = self._editable(params)
        if msg.text is not None or msg.location is not None:
            raise bad_request("there is no caption in the message to edit")
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

    @bot_method("editMessageReplyMarkup")
    async def _edit_message_reply_markup(
        self, params: JSONDict, uploads: dict[str, Upload]
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

    @bot_method("deleteMessage")
    async def _delete_message(self, params: JSONDict, uploads: dict[str, Upload]) -> bool:
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        msg = self.message(chat_id, message_id) if isinstance(message_id, int) else None
        if msg is None or msg.deleted:
            raise bad_request("message to delete not found")
        msg.deleted = True
        msg.changed_seq = self._next_seq()
        return True

    @bot_method("deleteMessages")
    async def _delete_messages(self, params: JSONDict, uploads: dict[str, Upload]) -> bool:
        chat_id = self._chat_id(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must be a non-empty list of at most 100 ids")
        for message_id in ids:
            msg = self.message(chat_id, message_id) if isinstance(message_id, int) else None
            if msg is not None and not msg.deleted:
                msg.deleted = True
                msg.changed_seq = self._next_seq()
        return True
