"""Voice notes and albums in the fake Bot API: users send voice notes and albums (photos
sharing a ``media_group_id``); the bot answers with ``sendVoice`` and ``sendMediaGroup``.

Kept apart from server.py, which registers these methods with one call to ``install``.
What a voice message holds lives here, keyed by the server, so ``ChatMessage`` need not
change: ``voice_of`` says whether (and with which bytes) a message is a voice note.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fake_telegram.server import ChatMessage, FakeBotAPI

JSONDict = dict[str, Any]

# The first bytes of an Ogg stream, enough for a voice note nobody plays.
TINY_OGG = b"OggS\x00\x02" + bytes(26) + b"OpusHead\x01\x01"


@dataclass
class Voice:
    data: bytes
    duration: int
    mime_type: str
    file_id: str


@dataclass
class _State:
    voices: dict[tuple[int, int], Voice]
    next_group: int = 0


_STATES: weakref.WeakKeyDictionary[FakeBotAPI, _State] = weakref.WeakKeyDictionary()


def _state(api: FakeBotAPI) -> _State:
    state = _STATES.get(api)
    if state is None:
        state = _STATES[api] = _State({})
    return state


def install(api: FakeBotAPI) -> None:
    """Register sendVoice and sendMediaGroup on ``api``."""

    async def send_voice(params: JSONDict, uploads: dict[str, Any]) -> JSONDict:
        return _send_voice(api, params, uploads)

    async def send_media_group(params: JSONDict, uploads: dict[str, Any]) -> list[JSONDict]:
        return _send_media_group(api, params, uploads)

    for name, handler in {"sendVoice": send_voice, "sendMediaGroup": send_media_group}.items():
        api._handlers[name.lower()] = (name, handler)


def voice_of(api: FakeBotAPI, msg: ChatMessage) -> Voice | None:
    """The voice note ``msg`` carries, if it is one (sent by the user or the bot)."""
    return _state(api).voices.get((msg.chat_id, msg.message_id))


def voice_json(voice: Voice) -> JSONDict:
    return {
        "file_id": voice.file_id,
        "file_unique_id": f"u{voice.file_id}",
        "duration": voice.duration,
        "mime_type": voice.mime_type,
        "file_size": len(voice.data),
    }


def _voice_message(api: FakeBotAPI, msg: ChatMessage, voice: Voice) -> JSONDict:
    _state(api).voices[(msg.chat_id, msg.message_id)] = voice
    data = api._message_json(msg)
    data["voice"] = voice_json(voice)
    return data


# -- what users do ----------------------------------------------------------------------------


async def send_voice(
    api: FakeBotAPI,
    user_id: int,
    *,
    duration: int = 42,
    data: bytes = TINY_OGG,
    caption: str | None = None,
    first_name: str = "Test",
) -> int:
    """The user records a voice note (stored so the bot can getFile and download it)."""
    if user_id not in api._users:
        api._remember_user(user_id, first_name, None, "en")
    msg = api._new_message(user_id, from_bot=False)
    msg.caption = caption
    file_id = api._store_file(data, "voice.ogg", "audio/ogg", "voice").file_id
    msg.file_id = file_id
    api._enqueue("message", _voice_message(api, msg, Voice(data, duration, "audio/ogg", file_id)))
    return msg.message_id


async def send_album(
    api: FakeBotAPI,
    user_id: int,
    photos: list[bytes],
    *,
    caption: str | None = None,
    caption_on: int = 0,
    first_name: str = "Test",
) -> list[int]:
    """The user sends several photos as one album: one message each, sharing a
    ``media_group_id``, the caption on photo ``caption_on`` (Telegram's usual: the first)."""
    if user_id not in api._users:
        api._remember_user(user_id, first_name, None, "en")
    state = _state(api)
    state.next_group += 1
    group = f"album{state.next_group:08d}"
    ids: list[int] = []
    for index, data in enumerate(photos):
        msg = api._new_message(user_id, from_bot=False)
        msg.photo = data
        msg.caption = caption if index == caption_on else None
        msg.file_id = api._store_file(data, "photo.png", "image/png", "photos").file_id
        payload = api._message_json(msg)
        payload["media_group_id"] = group
        api._enqueue("message", payload)
        ids.append(msg.message_id)
    return ids


# -- what the bot does ------------------------------------------------------------------------


def _send_voice(api: FakeBotAPI, params: JSONDict, uploads: dict[str, Any]) -> JSONDict:
    from fake_telegram.server import _bad

    chat_id = api._chat_id(params)
    value = params.get("voice")
    upload = uploads.get("voice")
    if isinstance(value, str) and value.startswith("attach://"):
        upload = uploads.get(value.removeprefix("attach://"))
    if upload is not None:
        data, mime = bytes(upload.data), upload.content_type or "audio/ogg"
        file_id = api._store_file(data, upload.filename, mime, "voice").file_id
    elif isinstance(value, str) and value in api._files:
        stored = api._files[value]
        data, mime, file_id = stored.data, stored.mime_type or "audio/ogg", value
    else:
        raise _bad("there is no voice in the request")
    known = next((v for v in _state(api).voices.values() if v.file_id == file_id), None)
    msg = api._new_message(chat_id, from_bot=True)
    msg.file_id, msg.mime_type = file_id, mime
    api._record_send(chat_id)
    duration = known.duration if known is not None else int(params.get("duration") or 0)
    return _voice_message(api, msg, Voice(data, duration, mime, file_id))


def _send_media_group(api: FakeBotAPI, params: JSONDict, uploads: dict[str, Any]) -> list[JSONDict]:
    from fake_telegram.server import _bad

    chat_id = api._chat_id(params)
    items = params.get("media")
    if isinstance(items, str):
        items = json.loads(items)
    if not isinstance(items, list) or not 2 <= len(items) <= 10:
        raise _bad("wrong number of media in the group: 2 to 10 are allowed")
    state = _state(api)
    state.next_group += 1
    group = f"botalbum{state.next_group:08d}"
    sent: list[JSONDict] = []
    for item in items:
        if not isinstance(item, dict) or item.get("type") != "photo":
            raise _bad("only photos are supported in this fake's media groups")
        value = item.get("media")
        if isinstance(value, str) and value.startswith("attach://"):
            upload = uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise _bad("wrong file in the media group")
            data = bytes(upload.data)
        elif isinstance(value, str) and value in api._files:
            data = api._files[value].data
        else:
            raise _bad("wrong file identifier/HTTP URL specified")
        msg = api._new_message(chat_id, from_bot=True)
        msg.photo, msg.caption = data, item.get("caption")
        msg.parse_mode = item.get("parse_mode")
        msg.file_id = (
            value
            if value in api._files
            else api._store_file(data, "photo.png", "image/png", "photos").file_id
        )
        api._record_send(chat_id)
        payload = api._message_json(msg)
        payload["media_group_id"] = group
        sent.append(payload)
    return sent
