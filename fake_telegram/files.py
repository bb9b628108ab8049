"""Bot API methods on files: sendPhoto, sendDocument, editMessageMedia, getFile."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fake_telegram.errors import JSONDict, bad_request
from fake_telegram.formatting import FormattedText
from fake_telegram.models import ChatMessage, Upload
from fake_telegram.outgoing import OutgoingChecks
from fake_telegram.state import MAX_CAPTION_LENGTH, bot_method


class FileMethods(OutgoingChecks):
    """Photos and documents the bot sends or replaces, and downloads of stored files."""

    async def _send_file(self, params: JSONDict, uploads: dict[str, Upload], kind: str) -> JSONDict:
        chat_id = self._chat_id(params)
        caption: str | None = None
        formatted = FormattedText("", [])
        if params.get("caption") is not None:
            caption, formatted = self._text(params, "caption", MAX_CAPTION_LENGTH)
        markup = self._reply_markup(params)
        self._check_reply_target(chat_id, params)
        value = params.get(kind)
        upload = uploads.get(kind)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = uploads.get(value.removeprefix("attach://"))
        data: bytes | None
        filename: str | None
        mime: str | None
        if upload is not None:
            data, filename, mime = upload.data, upload.filename, upload.content_type
        elif isinstance(value, str) and value in self._files:
            stored = self._files[value]
            data, filename, mime = stored.data, stored.filename, stored.mime_type
        elif isinstance(value, str) and value.startswith(("http://", "https://")):
            data, filename, mime = None, value.rsplit("/", 1)[-1] or kind, None
        else:
            raise bad_request(f"there is no {kind} in the request")
        if data is not None and not data:
            raise bad_request("file must be non-empty")
        msg = self._new_message(chat_id, from_bot=True)
        msg.caption, msg.parse_mode, msg.reply_markup = caption, params.get("parse_mode"), markup
        msg.entities = formatted.entities
        if kind == "photo":
            filename = photo_name(data or b"", filename)
        msg.filename, msg.mime_type = filename or kind, mime
        if kind == "photo":
            msg.photo = data or b""
        else:
            msg.document = data or b""
        if data is not None:
            msg.file_id = self._store_file(data, filename, mime, f"{kind}s").file_id
            self._write_upload(msg, data, filename or kind)
        else:
            msg.file_id = f"URL{self._next_file}"
        self._record_send(chat_id)
        return self._message_json(msg)

    @bot_method("sendPhoto")
    async def _send_photo(self, params: JSONDict, uploads: dict[str, Upload]) -> JSONDict:
        return await self._send_file(params, uploads, "photo")

    @bot_method("sendDocument")
    async def _send_document(self, params: JSONDict, uploads: dict[str, Upload]) -> JSONDict:
        return await self._send_file(params, uploads, "document")

    @bot_method("editMessageMedia")
    async def _edit_message_media(self, params: JSONDict, uploads: dict[str, Upload]) -> JSONDict:
        """Replaces a photo or document (new file, caption and keyboard). Like Telegram,
        a text message cannot become a media message."""
        msg = self._editable(params)
        if msg.photo is None and msg.document is None:
            raise bad_request("there is no media in the message to edit")
        media = params.get("media")
        if isinstance(media, str):
            try:
                media = json.loads(media)
            except ValueError as exc:
                raise bad_request("can't parse InputMedia JSON object") from exc
        kind = media.get("type") if isinstance(media, dict) else None
        if kind not in ("photo", "document"):
            raise bad_request("wrong type of the media specified")
        assert isinstance(media, dict)
        source = media.get("media")
        upload = None
        if isinstance(source, str) and source.startswith("attach://"):
            upload = uploads.get(source.removeprefix("attach://"))
        if upload is None or not upload.data:
            raise bad_request("wrong file identifier or HTTP URL specified")
        caption: str | None = None
        formatted = FormattedText("", [])
        if media.get("caption") is not None:
            caption, formatted = self._text(media, "caption", MAX_CAPTION_LENGTH)
        self._apply_edit(
            msg,
            text=None,
            caption=caption,
            parse_mode=media.get("parse_mode"),
            entities=formatted.entities,
            markup=self._reply_markup(params),
            force=True,  # a new file is a change even with the same caption and keyboard
        )
        filename = upload.filename
        if kind == "photo":
            msg.photo, msg.document = upload.data, None
            filename = photo_name(upload.data, filename)
        else:
            msg.photo, msg.document = None, upload.data
        msg.filename, msg.mime_type = filename or kind, upload.content_type
        msg.file_id = self._store_file(
            upload.data, filename, upload.content_type, f"{kind}s"
        ).file_id
        self._write_upload(msg, upload.data, filename or kind)
        return self._message_json(msg)

    @bot_method("getFile")
    async def _get_file(self, params: JSONDict, uploads: dict[str, Upload]) -> JSONDict:
        file_id = str(params.get("file_id", ""))
        stored = self._files.get(file_id.removesuffix("-thumb"))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    def _write_upload(self, msg: ChatMessage, data: bytes, filename: str) -> None:
        if self.files_dir is None:
            return
        self.files_dir.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", Path(filename).name) or "file"
        path = self.files_dir / f"{msg.chat_id}-{msg.message_id}-{safe}"
        path.write_bytes(data)
        msg.file_path = path


def photo_name(data: bytes, filename: str | None) -> str:
    """A name with the right extension: PTB names raw bytes "application.octet-stream"."""
    if filename and Path(filename).suffix.lower() in {".png", ".jpg", ".jpeg", ".webp", ".gif"}:
        return filename
    return "photo.png" if data.startswith(b"\x89PNG") else "photo.jpg"
