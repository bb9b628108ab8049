"""``#tags`` in entry text: what counts as a tag, and the one form it is kept in.

A tag is ``#`` followed by letters of any language, digits and ``_`` (combining marks,
e.g. Devanagari vowel signs, belong to the letter before them). It must hold something
other than digits, so "#1 priority" is not a tag, and it must start a word, so the
fragment of ``example.com/page#top`` and ``C#`` are not tags either. Tags are compared
case-insensitively and kept casefolded.
"""

from __future__ import annotations

import hashlib
import unicodedata

from core.richtext import to_plain

MAX_TAG_CHARS = 64
MAX_TAGS_PER_ENTRY = 50
# A tag may not follow these: they join it to a word, an address or another tag.
_GLUE = frozenset("/&#@")


def _tag_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


def normalize(tag: str) -> str | None:
    """``#Work`` or ``work`` as kept (``work``); None when it is not a valid tag."""
    name = unicodedata.normalize("NFC", tag.removeprefix("#")).casefold()
    if not name or len(name) > MAX_TAG_CHARS or not all(_tag_char(c) for c in name):
        return None
    if name.isdigit() or not (name[0].isalnum() or name[0] == "_"):
        return None
    return name


def find_tags(text: str) -> list[str]:
    """The distinct tags in plain ``text``, in order of first appearance."""
    text = unicodedata.normalize("NFC", text)
    found: dict[str, None] = {}
    i, n = 0, len(text)
    while i < n and len(found) < MAX_TAGS_PER_ENTRY:
        hash_at = text.find("#", i)
        if hash_at < 0:
            break
        end = hash_at + 1
        while end < n and _tag_char(text[end]):
            end += 1
        before = text[hash_at - 1] if hash_at > 0 else " "
        if end > hash_at + 1 and not _tag_char(before) and before not in _GLUE:
            # A longer run is not a tag cut short: it is not a tag at all.
            name = normalize(text[hash_at + 1 : end])
            if name is not None:
                found.setdefault(name, None)
        i = max(end, hash_at + 1)
    return list(found)


def split_query(words: str) -> tuple[str, list[str]]:
    """A command's arguments as (the rest, the tags): ``"walk #Work x"`` → ``("walk x", ["work"])``.

    A ``#word`` that is not a valid tag stays in the rest, where the caller reports it.
    """
    rest: list[str] = []
    tags: list[str] = []
    for word in words.split():
        name = normalize(word) if word.startswith("#") else None
        if name is None:
            rest.append(word)
        elif name not in tags:
            tags.append(name)
    return " ".join(rest), tags


def tags_of_content(content: str) -> list[str]:
    """The tags of stored entry content (any HTML the web app or the bot wrote)."""
    if "#" not in content:  # the common case, without parsing the HTML
        return []
    return find_tags(to_plain(content))


def tag_key(tag: str) -> str:
    """A short, ASCII stand-in for a tag in callback_data (a tag may be 64 letters of
    any script); the presser's own tags are matched against it."""
    return hashlib.sha256(tag.encode()).hexdigest()[:8]
