"""Compact, typed callback_data for inline keyboard buttons.

Wire format: ``action:ident:arg`` where ``ident`` is empty (no id), a
22-character base64url UUID (no padding), or ``#`` followed by a decimal int.
Telegram caps callback_data at 64 bytes, and the client can send back
anything, so ``decode`` treats its input as hostile and never raises.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from uuid import UUID

MAX_BYTES = 64
_UUID_CHARS = 22
_ACTION_RE = re.compile(r"[A-Za-z0-9_.-]{1,32}")
_UUID_RE = re.compile(r"[A-Za-z0-9_-]{22}")
_NUMBER_RE = re.compile(r"#(0|-?[1-9][0-9]{0,18})")
_ARG_RE = re.compile(r"[\x20-\x39\x3b-\x7e]*")  # printable ASCII except ':'


@dataclass(frozen=True)
class CallbackData:
    action: str
    uuid: UUID | None
    number: int | None
    arg: str


def _encode_ident(ident: UUID | int | None) -> str:
    if ident is None:
        return ""
    if isinstance(ident, bool):  # bool is an int subclass; almost certainly a bug upstream
        raise ValueError("ident must be a UUID, an int or None, not a bool")
    if isinstance(ident, UUID):
        return base64.urlsafe_b64encode(ident.bytes).decode("ascii").rstrip("=")
    if isinstance(ident, int):
        text = f"#{ident}"
        if not _NUMBER_RE.fullmatch(text):
            raise ValueError("integer ids must fit in 19 digits")
        return text
    raise ValueError(f"Unsupported ident type {type(ident).__name__}")


def encode(action: str, ident: UUID | int | None = None, arg: str = "") -> str:
    """Build callback_data; raises ValueError if it would be invalid or exceed 64 bytes."""
    if ":" in action:
        raise ValueError("action must not contain ':'")
    if not _ACTION_RE.fullmatch(action):
        raise ValueError("action must be 1-32 chars of letters, digits, '_', '.' or '-'")
    if not _ARG_RE.fullmatch(arg):
        raise ValueError("arg must be printable ASCII without ':'")
    data = f"{action}:{_encode_ident(ident)}:{arg}"
    if len(data) > MAX_BYTES:  # ASCII only, so characters == bytes
        raise ValueError(f"callback_data is {len(data)} bytes; Telegram allows {MAX_BYTES}")
    return data


def _decode_uuid(text: str) -> UUID | None:
    if not _UUID_RE.fullmatch(text):
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "==")
    except (binascii.Error, ValueError):
        return None
    # Reject non-canonical spellings (stray low bits in the last char) so each id has one form.
    if len(raw) != 16 or _encode_ident(UUID(bytes=raw)) != text:
        return None
    return UUID(bytes=raw)


def decode(data: object) -> CallbackData | None:
    """Parse callback_data produced by ``encode``; None for anything else, never raising."""
    if not isinstance(data, str) or len(data) > MAX_BYTES or not data.isascii():
        return None
    parts = data.split(":")
    if len(parts) != 3:
        return None
    action, ident, arg = parts
    if not _ACTION_RE.fullmatch(action) or not _ARG_RE.fullmatch(arg):
        return None
    if ident == "":
        return CallbackData(action, None, None, arg)
    if ident.startswith("#"):
        if not _NUMBER_RE.fullmatch(ident):
            return None
        return CallbackData(action, None, int(ident[1:]), arg)
    uuid = _decode_uuid(ident)
    if uuid is None:
        return None
    return CallbackData(action, uuid, None, arg)
