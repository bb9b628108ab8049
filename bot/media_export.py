"""/export's photos and voice notes: zip files holding the Markdown and the media, each
under EXPORT_ZIP_MAX_BYTES (Telegram takes uploads of up to 50 MB from a bot).

Telegram is asked where each file is (and its size) first, so the parts are planned
before anything is downloaded; then each part is built in memory, sent, and dropped, so
the bot holds one part at a time. A file Telegram will not serve (over getFile's 20 MB,
or gone) is named in a message instead.
"""

from __future__ import annotations

import io
import logging
import uuid
import zipfile

from telegram import File
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.services import get_services
from core.i18n import _, ngettext
from core.mediafiles import ZipMember, plan_zip_parts, zip_member_cost
from db import media
from db.media import MediaFile

logger = logging.getLogger(__name__)

UPLOAD_TIMEOUT = 300.0  # seconds for one zip to upload


def zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    """A zip of ``members`` stored as they are (photos and voice are compressed already,
    and stored sizes keep the planned part sizes exact)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def part_name(day: str, number: int, total: int) -> str:
    if total == 1:
        return f"journal-{day}-media.zip"
    return f"journal-{day}-media-part{number}-of-{total}.zip"


async def send_media_zips(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    user_id: uuid.UUID,
    markdown: bytes,
    day: str,
) -> int:
    """Send the zip parts; returns how many (0 for a user without media)."""
    services = get_services(context)
    async with services.db.sessions() as s:
        files = await media.export_files(s, user_id)
    if not files:
        return 0
    located: list[tuple[MediaFile, File]] = []
    missing: list[str] = []
    for item in files:
        try:
            located.append((item, await context.bot.get_file(item.file_id)))
        except TelegramError as exc:
            logger.warning("export: Telegram would not serve a media file (%s)", exc)
            missing.append(item.name)
    markdown_name = f"journal-{day}.md"
    members = [
        ZipMember(item.name, found.file_size or item.file_size or 0) for item, found in located
    ]
    plan = plan_zip_parts(
        members,
        services.settings.export_zip_max_bytes,
        first_part_used=zip_member_cost(markdown_name, len(markdown)),
    )
    for number, indexes in enumerate(plan, 1):
        await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
        contents: list[tuple[str, bytes]] = [(markdown_name, markdown)] if number == 1 else []
        for index in indexes:
            item, found = located[index]
            try:
                contents.append((item.name, bytes(await found.download_as_bytearray())))
            except TelegramError as exc:
                logger.warning("export: could not download a media file (%s)", exc)
                missing.append(item.name)
        caption = (
            _(
                "Your photos and voice notes, with the Markdown that links them "
                "(part {number} of {total})."
            ).format(number=number, total=len(plan))
            if len(plan) > 1
            else _("Your photos and voice notes, with the Markdown that links them.")
        )
        await context.bot.send_document(
            chat_id,
            document=zip_bytes(contents),
            filename=part_name(day, number, len(plan)),
            caption=caption,
            write_timeout=UPLOAD_TIMEOUT,
        )
    if missing:
        await context.bot.send_message(
            chat_id,
            ngettext(
                "{n} of your media files couldn't be fetched from Telegram (too big or "
                "no longer there), so the zip leaves them out: {names}",
                "{n} of your media files couldn't be fetched from Telegram (too big or "
                "no longer there), so the zip leaves them out: {names}",
                len(missing),
            ).format(n=len(missing), names=", ".join(missing[:20])),
        )
    return len(plan)
