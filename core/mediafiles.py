"""Photos and voice notes of entries: placeholder texts, file names in the export, and
how the export's media are split into zip files under an upload limit."""

from __future__ import annotations

import mimetypes
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

PHOTO_PLACEHOLDER = "📷 Photo"
# Telegram sends photos as JPEG and voice notes as Ogg Opus.
DEFAULT_EXTENSIONS = {"photo": ".jpg", "voice": ".ogg"}
# A stored zip member costs its local header (30 bytes + name) and its central directory
# record (46 bytes + name); the margin covers extra fields. The end record is 22 bytes.
ZIP_ENTRY_OVERHEAD = 30 + 46 + 64
ZIP_END_OVERHEAD = 22


def duration_text(seconds: int | None) -> str:
    """``0:42``, ``12:05``, ``1:02:03``."""
    total = max(0, int(seconds or 0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def voice_placeholder(seconds: int | None) -> str:
    return f"🎤 Voice note ({duration_text(seconds)})"


def media_file_name(
    entry_id: uuid.UUID,
    created_at: datetime,
    position: int,
    kind: str,
    mime_type: str | None = None,
) -> str:
    """The media file's path inside the export zip (and the Markdown's link to it):
    the entry's UTC time, the start of its id, and the position within the entry."""
    extension = DEFAULT_EXTENSIONS.get(kind)
    if extension is None:
        extension = (mimetypes.guess_extension(mime_type or "") or ".bin") if mime_type else ".bin"
    stamp = created_at.strftime("%Y-%m-%d_%H%M%S")
    return f"media/{stamp}_{str(entry_id)[:8]}_{position + 1}{extension}"


def zip_member_cost(name: str, size: int) -> int:
    """Bytes a file stored uncompressed adds to a zip (an upper bound)."""
    return size + ZIP_ENTRY_OVERHEAD + 2 * len(name.encode())


@dataclass(frozen=True)
class ZipMember:
    name: str
    size: int


def plan_zip_parts(
    members: Sequence[ZipMember], limit: int, *, first_part_used: int = 0
) -> list[list[int]]:
    """Split ``members`` (indexes, in order) into zip files of at most ``limit`` bytes each;
    the first part already holds ``first_part_used`` bytes (the Markdown). A file too big
    for any part goes alone in one (Telegram's getFile serves at most 20 MB, far under the
    default limit, so this only happens with a tiny test limit)."""
    parts: list[list[int]] = [[]]
    used = ZIP_END_OVERHEAD + first_part_used
    for index, member in enumerate(members):
        cost = zip_member_cost(member.name, member.size)
        occupied = bool(parts[-1]) or (len(parts) == 1 and first_part_used > 0)
        if occupied and used + cost > limit:
            parts.append([])
            used = ZIP_END_OVERHEAD
        parts[-1].append(index)
        used += cost
    return parts
