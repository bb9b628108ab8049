"""Photos and voice notes with the entry, end to end: saved as file ids, shown back when
the entry is opened, an album as one entry, voice transcribed only with consent, and
/export's media zips split under the upload limit."""

from __future__ import annotations

import io
import json
import socket
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from sqlalchemy import select

from core.mediafiles import ZipMember, duration_text, plan_zip_parts, voice_placeholder
from db.database import Database
from db.export import delete_user_data
from db.models import Entry, EntryMedia, Journal
from db.settings import EXTERNAL_AI_CONSENT, update_setting
from fake_telegram import media as fake_media
from fake_telegram.server import ChatMessage
from tests.harness import BotHarness, login_as, running_bot

ANN = 7301
BEN = 7302


def picture(n: int, size: int = 300) -> bytes:
    """A distinct fake photo of ``size`` bytes (JPEG-looking: the fake sizes it 320x240)."""
    return b"\xff\xd8\xff" + bytes([n % 256]) * (size - 3)


async def _entries(bot: BotHarness) -> list[Entry]:
    async with bot.db.sessions() as s:
        return list((await s.scalars(select(Entry).order_by(Entry.created_at))).all())


async def _media(bot: BotHarness) -> list[EntryMedia]:
    async with bot.db.sessions() as s:
        rows = await s.scalars(select(EntryMedia).order_by(EntryMedia.message_id))
        return list(rows.all())


def _photos_after(bot: BotHarness, user: int, after_seq: int) -> list[ChatMessage]:
    return [
        m
        for m in bot.fake.messages(user)
        if m.from_bot and m.photo is not None and m.created_seq > after_seq
    ]


def _mark(bot: BotHarness, user: int) -> int:
    return max((m.created_seq for m in bot.fake.history(user)), default=0)


async def _open_newest(bot: BotHarness, user: int, contains: str) -> ChatMessage:
    await bot.say(user, "/entries", contains="newest first")
    return await bot.press(user, "1", contains=contains)


async def test_a_photo_entry_is_saved_and_shown_back(bot: BotHarness) -> None:
    await login_as(bot.db, ANN)
    sent = await bot.fake.send_photo(ANN, "Sunset at the lake #walks", data=picture(1))
    reply = await bot.fake.wait_for_message(ANN, after=sent, contains="Saved")
    assert "isn't stored" not in reply.plain_text  # the photo is kept now
    [entry] = await _entries(bot)
    assert entry.content == "Sunset at the lake #walks"
    [row] = await _media(bot)
    assert (row.entry_id, row.kind, row.position, row.chat_id, row.message_id) == (
        entry.id,
        "photo",
        0,
        ANN,
        sent,
    )
    user_photo = bot.fake.user_message(ANN, sent)
    assert user_photo is not None and row.file_id == user_photo.file_id
    assert row.file_unique_id == f"u{user_photo.file_id}" and row.file_size == 300

    mark = _mark(bot, ANN)
    view = await _open_newest(bot, ANN, "Sunset at the lake")
    await bot.fake.settle(quiet=0.3)
    [shown] = _photos_after(bot, ANN, mark)
    assert shown.photo == picture(1)  # the very photo, sent back by its file id
    assert shown.created_seq > view.created_seq or view.edited
    call = next(c for c in reversed(bot.fake.calls) if c.method == "sendPhoto")
    assert call.params["photo"] == row.file_id


async def test_a_photo_without_caption_gets_a_placeholder_and_is_saved_once(
    bot: BotHarness,
) -> None:
    await login_as(bot.db, ANN)
    sent = await bot.fake.send_photo(ANN, data=picture(2))
    await bot.fake.wait_for_message(ANN, after=sent, contains="Saved")
    msg = bot.fake.user_message(ANN, sent)
    assert msg is not None
    bot.fake._enqueue("message", bot.fake._message_json(msg))  # the same update again
    await bot.fake.settle(quiet=0.5)
    [entry] = await _entries(bot)
    assert entry.content == "📷 Photo"
    assert len(await _media(bot)) == 1
    assert len([m for m in bot.fake.messages(ANN) if "Saved" in m.plain_text]) == 1


async def test_an_album_is_one_entry_and_comes_back_as_an_album(bot: BotHarness) -> None:
    await login_as(bot.db, ANN)
    ids = await fake_media.send_album(
        bot.fake, ANN, [picture(3), picture(4), picture(5)], caption="Hike with Sam", caption_on=1
    )
    await bot.fake.wait_for_message(ANN, after=ids[0], contains="Saved")
    await bot.fake.settle(quiet=0.5)
    [entry] = await _entries(bot)
    assert entry.content == "Hike with Sam"  # the caption on the second photo replaced "📷 Photo"
    rows = await _media(bot)
    assert [r.position for r in rows] == [0, 1, 2] and {r.entry_id for r in rows} == {entry.id}
    assert len({r.media_group_id for r in rows}) == 1
    assert len([m for m in bot.fake.messages(ANN) if "Saved" in m.plain_text]) == 1

    mark = _mark(bot, ANN)
    await _open_newest(bot, ANN, "Hike with Sam")
    await bot.fake.settle(quiet=0.3)
    assert [m.photo for m in _photos_after(bot, ANN, mark)] == [picture(3), picture(4), picture(5)]
    assert any(c.method == "sendMediaGroup" and c.ok for c in bot.fake.calls)


async def test_a_voice_note_without_an_endpoint_keeps_a_placeholder(bot: BotHarness) -> None:
    await login_as(bot.db, ANN)
    sent = await fake_media.send_voice(bot.fake, ANN, duration=42)
    await bot.fake.wait_for_message(ANN, after=sent, contains="Saved")
    [entry] = await _entries(bot)
    assert entry.content == "🎤 Voice note (0:42)"
    [row] = await _media(bot)
    assert (row.kind, row.duration, row.mime_type) == ("voice", 42, "audio/ogg")

    mark = _mark(bot, ANN)
    await _open_newest(bot, ANN, "Voice note (0:42)")
    await bot.fake.settle(quiet=0.3)
    voices = [
        m
        for m in bot.fake.messages(ANN)
        if m.from_bot and m.created_seq > mark and fake_media.voice_of(bot.fake, m) is not None
    ]
    [back] = voices
    voice = fake_media.voice_of(bot.fake, back)
    assert voice is not None and voice.data == fake_media.TINY_OGG and voice.duration == 42


async def test_deleting_the_entry_deletes_its_media(bot: BotHarness) -> None:
    await login_as(bot.db, ANN)
    sent = await bot.fake.send_photo(ANN, "Going soon")
    await bot.fake.wait_for_message(ANN, after=sent, contains="Saved")
    await _open_newest(bot, ANN, "Going soon")
    await bot.press(ANN, "Delete", contains="can't be undone")
    await bot.press(ANN, "Yes, delete", contains="Deleted your entry")
    assert await _media(bot) == []


async def test_a_logged_out_photo_keeps_its_caption(bot: BotHarness) -> None:
    sent = await bot.fake.send_photo(BEN, "Before logging in")
    reply = await bot.fake.wait_for_message(BEN, after=sent, contains="log")
    assert "kept your message" in reply.plain_text
    assert await _media(bot) == []


# --- transcription through the optional endpoint --------------------------------------


@dataclass
class FakeTranscriber:
    text: str = "I finally finished the first draft of my talk"
    status: int = 200
    requests: list[dict[str, object]] = field(default_factory=list)
    base_url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        form = await request.post()
        upload = form["file"]
        assert isinstance(upload, web.FileField)
        self.requests.append(
            {
                "model": form.get("model"),
                "audio": upload.file.read(),
                "auth": request.headers.get("Authorization"),
            }
        )
        if self.status != 200:
            return web.Response(status=self.status, text="boom")
        return web.json_response({"text": self.text})


@pytest.fixture
async def transcriber() -> AsyncIterator[FakeTranscriber]:
    fake = FakeTranscriber()
    app = web.Application()
    app.router.add_post("/v1/audio/transcriptions", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    fake.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    try:
        yield fake
    finally:
        await runner.cleanup()


async def test_voice_is_transcribed_only_with_consent(
    db: Database, database_url: str, transcriber: FakeTranscriber, fast_bcrypt: None
) -> None:
    async with running_bot(
        db,
        database_url,
        llm_base_url=transcriber.base_url,
        llm_api_key="k",
        llm_transcription_model="whisper-test",
    ) as bot:
        user_id = await login_as(bot.db, ANN)
        # Without consent the audio never leaves: a placeholder.
        sent = await fake_media.send_voice(bot.fake, ANN, duration=75)
        await bot.fake.wait_for_message(ANN, after=sent, contains="Saved")
        assert transcriber.requests == []
        assert [e.content for e in await _entries(bot)] == ["🎤 Voice note (1:15)"]

        async with bot.db.sessions.begin() as s:
            await update_setting(
                s, user_id, "ai_interaction_settings", EXTERNAL_AI_CONSENT, "127.0.0.1"
            )
        sent = await fake_media.send_voice(bot.fake, ANN, duration=9)
        reply = await bot.fake.wait_for_message(ANN, after=sent, contains="Saved")
        assert "Transcribed" in reply.plain_text
        [request] = transcriber.requests
        assert request == {
            "model": "whisper-test",
            "audio": fake_media.TINY_OGG,
            "auth": "Bearer k",
        }
        assert (await _entries(bot))[-1].content == transcriber.text

        # The endpoint fails: the voice note is still kept, with the placeholder.
        transcriber.status = 500
        sent = await fake_media.send_voice(bot.fake, ANN, duration=3)
        reply = await bot.fake.wait_for_message(ANN, after=sent, contains="Saved")
        assert "couldn't transcribe" in reply.plain_text
        assert (await _entries(bot))[-1].content == "🎤 Voice note (0:03)"
        assert len(await _media(bot)) == 3

        # A re-delivered voice note is neither saved nor sent out again.
        transcriber.status = 200
        msg = bot.fake.user_message(ANN, sent)
        assert msg is not None
        payload = bot.fake._message_json(msg)
        voice = fake_media.voice_of(bot.fake, msg)
        assert voice is not None
        payload["voice"] = fake_media.voice_json(voice)
        bot.fake._enqueue("message", payload)
        await bot.fake.settle(quiet=0.5)
        assert len(transcriber.requests) == 2 and len(await _entries(bot)) == 3


# --- /export --------------------------------------------------------------------------


async def _zips(bot: BotHarness, user: int, after: int, count: int) -> dict[str, bytes]:
    def zips() -> dict[str, bytes]:
        return {
            m.filename or "": m.document or b""
            for m in bot.fake.messages(user)
            if m.message_id > after and (m.filename or "").endswith(".zip")
        }

    await bot.fake.wait_for_message(
        user, after=after, predicate=lambda m: len(zips()) >= count, timeout=20
    )
    await bot.fake.settle(quiet=0.3)
    return zips()


async def test_export_zips_the_media_in_parts_under_the_limit(
    db: Database, database_url: str, fast_bcrypt: None
) -> None:
    limit = 2_000
    async with running_bot(db, database_url, export_zip_max_bytes=limit) as bot:
        await login_as(bot.db, ANN)
        photos = [picture(10 + i, 700) for i in range(4)]
        for i, data in enumerate(photos):
            sent = await bot.fake.send_photo(ANN, f"Photo number {i}", data=data)
            await bot.fake.wait_for_message(ANN, after=sent, contains="Saved")
        sent = await fake_media.send_voice(bot.fake, ANN, duration=5)
        await bot.fake.wait_for_message(ANN, after=sent, contains="Saved")

        asked = await bot.fake.send_text(ANN, "/export")
        zips = await _zips(bot, ANN, asked, 3)
        assert len(zips) >= 3  # 4 photos of 700 bytes and a voice note under 2,000 bytes each
        names = sorted(zips)
        assert all("-media-part" in n and n.endswith(f"-of-{len(zips)}.zip") for n in names)
        found: dict[str, bytes] = {}
        for name, raw in zips.items():
            assert len(raw) <= limit, (name, len(raw))
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                for member in archive.namelist():
                    found[member] = archive.read(member)
        [markdown_name] = [n for n in found if n.endswith(".md")]
        media_names = sorted(n for n in found if n.startswith("media/"))
        assert sorted(found[n] for n in media_names if n.endswith(".jpg")) == sorted(photos)
        assert [found[n] for n in media_names if n.endswith(".ogg")] == [fake_media.TINY_OGG]
        markdown = found[markdown_name].decode()
        for name in media_names:
            assert f"({name})" in markdown  # the Markdown links every file
        assert "[🎤 Voice note (0:05)]" in markdown and "Photo number 3" in markdown
        [document] = [
            m.document
            for m in bot.fake.messages(ANN)
            if (m.filename or "").endswith(".json") and m.document is not None
        ]
        data = json.loads(document)
        listed = [m for j in data["journals"] for e in j["entries"] for m in e.get("media", [])]
        assert sorted(m["file"] for m in listed) == media_names
        assert [m["duration_seconds"] for m in listed if m["kind"] == "voice"] == [5]
        rows = await _media(bot)
        assert rows and not any(r.file_id in document.decode() for r in rows)  # no file ids


async def test_deleting_the_account_deletes_its_media_only(bot: BotHarness) -> None:
    ann, ben = await login_as(bot.db, ANN), await login_as(bot.db, BEN)
    for user in (ANN, BEN):
        sent = await bot.fake.send_photo(user, f"Photo of {user}")
        await bot.fake.wait_for_message(user, after=sent, contains="Saved")
    async with bot.db.sessions.begin() as s:
        await delete_user_data(s, ann)
    [left] = await _media(bot)
    assert left.chat_id == BEN
    async with bot.db.sessions() as s:
        owner = await s.scalar(
            select(Journal.user_id)
            .join(Entry, Entry.journal_id == Journal.id)
            .where(Entry.id == left.entry_id)
        )
    assert owner == ben


async def test_one_zip_when_everything_fits(bot: BotHarness) -> None:
    await login_as(bot.db, ANN)
    sent = await bot.fake.send_photo(ANN, "Just one", data=picture(20))
    await bot.fake.wait_for_message(ANN, after=sent, contains="Saved")
    asked = await bot.fake.send_text(ANN, "/export")
    [(name, raw)] = (await _zips(bot, ANN, asked, 1)).items()
    assert name.endswith("-media.zip")
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        names = archive.namelist()
    assert len(names) == 2 and names[0].endswith(".md") and names[1].startswith("media/")


# --- pure helpers ---------------------------------------------------------------------


def test_durations_and_placeholders() -> None:
    assert [duration_text(s) for s in (0, 9, 42, 75, 3600 + 62, None)] == [
        "0:00",
        "0:09",
        "0:42",
        "1:15",
        "1:01:02",
        "0:00",
    ]
    assert voice_placeholder(42) == "🎤 Voice note (0:42)"


def test_zip_plan_keeps_each_part_under_the_limit() -> None:
    members = [ZipMember(f"media/{i}.jpg", 400) for i in range(10)]
    parts = plan_zip_parts(members, 1_000, first_part_used=300)
    assert [i for part in parts for i in part] == list(range(10))  # all, in order
    assert all(part for part in parts)
    assert len(parts) == 10  # 300 + 2 x (400 + overhead) does not fit in 1,000
    assert plan_zip_parts(members, 100_000_000) == [list(range(10))]
    assert plan_zip_parts([], 1_000) == [[]]
    assert plan_zip_parts([ZipMember("big", 5_000)], 1_000) == [[0]]  # alone, over the limit
