"""Photos and voice notes become entries: the caption (or a voice note's transcript, or a
placeholder) is the entry's text, the media are kept as Telegram file ids (db/media.py)
and sent back when the entry is opened.

An album (photos sharing a ``media_group_id``) is one entry: its first photo saves it,
the others are added to it, and a caption on a later photo joins the text. Telegram
delivers an album as separate messages of one chat, which the inbox hands over one after
another, so the later photos find the entry the first made.

Saving goes through the journal's own path (``journal.save_entry``): a re-delivered
update saves nothing twice, and its media are added to the entry its message already
made (``add_media`` ignores a message attached before).
"""

from __future__ import annotations

import html
import logging
import uuid
import warnings
from collections.abc import Sequence
from datetime import timedelta

from telegram import InputMediaPhoto, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, MessageHandler, filters
from telegram.warnings import PTBDeprecationWarning

from bot.commands import Command
from bot.handlers import journal
from bot.handlers.goal_suggestions import consents_to_external_ai
from bot.services import get_services
from bot.session import ask_to_log_in, load_link
from bot.transcription import transcribe
from core.i18n import _
from core.mediafiles import PHOTO_PLACEHOLDER, voice_placeholder
from core.richtext import to_stored_html
from core.tags import tags_of_content
from db import entries, media, settings, tags
from db.accounts import Link
from db.errors import InvalidInput
from db.media import PHOTO, VOICE, NewMedia
from db.models import EntryMedia

logger = logging.getLogger(__name__)

COMMANDS: list[Command] = []

MEDIA_GROUP_SIZE = 10  # Telegram's most photos in one sendMediaGroup


def _seconds(value: int | timedelta | None) -> int | None:
    if value is None:
        return None
    return int(value.total_seconds()) if isinstance(value, timedelta) else int(value)


def media_of(message: Message) -> NewMedia | None:
    """The photo (its largest size) or voice note of ``message``."""
    if message.photo:
        best = message.photo[-1]
        return NewMedia(
            chat_id=message.chat_id,
            message_id=message.message_id,
            kind=PHOTO,
            file_id=best.file_id,
            file_unique_id=best.file_unique_id,
            file_size=best.file_size,
            media_group_id=message.media_group_id,
            caption_above=bool(message.show_caption_above_media),
        )
    if message.voice:
        voice = message.voice
        with warnings.catch_warnings():  # PTB 22 warns that duration becomes a timedelta
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            duration = voice.duration
        return NewMedia(
            chat_id=message.chat_id,
            message_id=message.message_id,
            kind=VOICE,
            file_id=voice.file_id,
            file_unique_id=voice.file_unique_id,
            file_size=voice.file_size,
            duration=_seconds(duration),
            mime_type=voice.mime_type,
        )
    return None


async def _consents(context: ContextTypes.DEFAULT_TYPE, link: Link) -> bool:
    """Did the user agree to send their entries to the configured endpoint?"""
    services = get_services(context)
    if services.settings.llm_host is None or link.user_id is None:
        return False
    async with services.db.sessions() as s:
        row = await settings.get_settings(s, link.user_id)
        ai = settings.ai_settings_of(row.ai_interaction_settings)
    return consents_to_external_ai(ai, services.settings)


async def _voice_text(
    context: ContextTypes.DEFAULT_TYPE, link: Link, item: NewMedia
) -> tuple[str, str, bool]:
    """The entry text of a voice note, a note for the reply, and whether it is a
    transcript: only when the user agreed to the endpoint and it answered."""
    placeholder = html.escape(voice_placeholder(item.duration))
    if not await _consents(context, link):
        return placeholder, "", False
    try:
        audio = bytes(await (await context.bot.get_file(item.file_id)).download_as_bytearray())
    except TelegramError as exc:
        logger.warning("could not download a voice note to transcribe (%s)", exc)
        audio = b""
    text = (
        await transcribe(get_services(context).settings, audio, mime_type=item.mime_type)
        if audio
        else None
    )
    if text is None:
        return placeholder, "\n" + _("(I couldn't transcribe it; the voice note is kept.)"), False
    return html.escape(text), "\n" + _("🎤 Transcribed."), True


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    item = media_of(message)
    if item is None:
        return
    link = await load_link(update, context)
    if link is None or not link.logged_in or link.user_id is None:
        # The caption is kept like any text; the photo or voice note itself cannot be.
        await ask_to_log_in(update, context, link, keep=message.caption_html or None)
        return
    caption = message.caption_html or ""
    if item.media_group_id is not None and await _add_to_album(context, link, item, caption):
        return
    note, real_text = "", bool(caption)
    if caption:
        content = caption
    elif item.kind == VOICE:
        earlier = await _entry_of_message(context, link, message)
        if earlier is not None:  # re-delivered: don't send the audio out again
            async with get_services(context).db.sessions.begin() as s:
                await media.add_media(s, earlier, item)
            return
        content, note, real_text = await _voice_text(context, link, item)
    else:
        content = PHOTO_PLACEHOLDER
    try:
        saved = await journal.save_entry(
            context, link, content, chat_id=message.chat_id, message_ids=[message.message_id]
        )
    except InvalidInput as exc:
        await message.reply_text(html.escape(str(exc)))
        return
    entry_id = (
        saved.entry.id if saved is not None else await _entry_of_message(context, link, message)
    )
    if entry_id is None:
        return
    async with get_services(context).db.sessions.begin() as s:
        await media.add_media(s, entry_id, item)
    if saved is None:
        return  # re-delivered: answered the first time
    await message.reply_text(journal.saved_text(saved) + note)
    if real_text:  # suggestions read the words, not a placeholder
        await journal.run_after_save(update, context, link, saved)


async def _entry_of_message(
    context: ContextTypes.DEFAULT_TYPE, link: Link, message: Message
) -> uuid.UUID | None:
    """The entry a re-delivered message already made."""
    assert link.user_id is not None
    async with get_services(context).db.sessions() as s:
        entry = await entries.entry_for_message(
            s, link.user_id, message.chat_id, message.message_id
        )
    return entry.id if entry is not None else None


async def _add_to_album(
    context: ContextTypes.DEFAULT_TYPE, link: Link, item: NewMedia, caption: str
) -> bool:
    """Add a later photo of an album to the entry its first photo made; False when this
    is the album's first photo."""
    assert link.user_id is not None and item.media_group_id is not None
    async with get_services(context).db.sessions.begin() as s:
        entry = await media.album_entry(s, link.user_id, item.chat_id, item.media_group_id)
        if entry is None:
            return False
        added = await media.add_media(s, entry.id, item)
        if added and caption:
            stored = to_stored_html(caption)
            content = (
                stored if entry.content == PHOTO_PLACEHOLDER else f"{entry.content}<br><br>{stored}"
            )
            updated = await entries.update_entry(s, link.user_id, entry.id, content)
            if updated is not None:
                await tags.set_tags(
                    s, updated.id, tags_of_content(updated.content), updated.updated_at
                )
    return True


async def show_media(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: uuid.UUID, entry_id: uuid.UUID
) -> int:
    """Send the entry's photos (an album for several) and voice notes by file id; returns
    how many were sent. A file Telegram no longer serves is skipped with a word."""
    async with get_services(context).db.sessions() as s:
        items = await media.media_of_entry(s, user_id, entry_id)
    photos = [i for i in items if i.kind == PHOTO]
    voices = [i for i in items if i.kind == VOICE]
    sent = 0
    try:
        for start in range(0, len(photos), MEDIA_GROUP_SIZE):
            sent += await _send_photos(context, chat_id, photos[start : start + MEDIA_GROUP_SIZE])
        for voice in voices:
            await context.bot.send_voice(chat_id, voice.file_id)
            sent += 1
    except TelegramError as exc:
        logger.warning("could not send an entry's media back (%s)", exc)
        await context.bot.send_message(
            chat_id,
            _("I couldn't show this entry's photos or voice notes: Telegram didn't send them."),
        )
    return sent


async def _send_photos(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, photos: Sequence[EntryMedia]
) -> int:
    if len(photos) == 1:
        await context.bot.send_photo(chat_id, photos[0].file_id)
    else:
        await context.bot.send_media_group(chat_id, [InputMediaPhoto(p.file_id) for p in photos])
    return len(photos)


def register(app: Application) -> None:  # type: ignore[type-arg]
    # Before the journal's caption handler: photos and voice notes are kept, not only text.
    app.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & (filters.PHOTO | filters.VOICE) & filters.ChatType.PRIVATE,
            on_media,
        )
    )
