"""The fake Bot API's voice notes and albums (fake_telegram/media.py), through a real PTB
Bot: what users send parses as Telegram's, what the bot sends is kept and checked."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InputMediaPhoto
from telegram.error import BadRequest
from telegram.warnings import PTBDeprecationWarning

from fake_telegram import DEFAULT_TOKEN, FakeBotAPI
from fake_telegram import media as fake_media


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as api:
        yield api


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(DEFAULT_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


async def test_a_user_voice_note_parses_and_downloads(fake: FakeBotAPI, bot: Bot) -> None:
    await fake_media.send_voice(fake, 5, duration=61, data=b"OggS-voice")
    (update,) = await bot.get_updates(timeout=0)
    voice = update.message.voice if update.message is not None else None
    assert voice is not None and voice.mime_type == "audio/ogg" and voice.file_size == 10
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        assert voice.duration == 61
    file = await voice.get_file()
    assert bytes(await file.download_as_bytearray()) == b"OggS-voice"


async def test_an_album_shares_one_media_group(fake: FakeBotAPI, bot: Bot) -> None:
    ids = await fake_media.send_album(fake, 5, [b"\xff\xd8a", b"\xff\xd8b"], caption="two")
    updates = await bot.get_updates(timeout=0)
    messages = [u.message for u in updates if u.message is not None]
    assert [m.message_id for m in messages] == ids
    assert len({m.media_group_id for m in messages}) == 1 and messages[0].media_group_id
    assert [m.caption for m in messages] == ["two", None]


async def test_the_bot_sends_voice_and_albums_by_file_id(fake: FakeBotAPI, bot: Bot) -> None:
    await fake_media.send_voice(fake, 5, duration=7)
    await fake_media.send_album(fake, 5, [b"\xff\xd8a", b"\xff\xd8b", b"\xff\xd8c"])
    updates = await bot.get_updates(timeout=0)
    voice = updates[0].message.voice if updates[0].message is not None else None
    photos = [u.message.photo[-1].file_id for u in updates[1:] if u.message is not None]
    assert voice is not None
    sent = await bot.send_voice(5, voice.file_id)
    assert sent.voice is not None and sent.voice.file_id == voice.file_id
    [back] = [m for m in fake.messages(5) if m.from_bot]
    kept = fake_media.voice_of(fake, back)
    assert kept is not None and kept.data == fake_media.TINY_OGG and kept.duration == 7

    album = await bot.send_media_group(5, [InputMediaPhoto(f) for f in photos])
    assert len(album) == 3 and len({m.media_group_id for m in album}) == 1
    assert [m.photo for m in fake.messages(5) if m.from_bot and m.photo] == [
        b"\xff\xd8a",
        b"\xff\xd8b",
        b"\xff\xd8c",
    ]
    with pytest.raises(BadRequest, match="rong number of media"):
        await bot.send_media_group(5, [InputMediaPhoto(photos[0])])
    with pytest.raises(BadRequest, match="rong file identifier"):
        await bot.send_media_group(5, [InputMediaPhoto("nope"), InputMediaPhoto("nada")])
