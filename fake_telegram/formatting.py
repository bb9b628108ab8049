"""Formatting as Telegram does it: HTML, MarkdownV2 and legacy Markdown to text + entities."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fake_telegram.errors import ApiError, JSONDict


class EntityParseError(ValueError):
    """The text is not valid for its parse_mode; the message is Telegram's wording."""


@dataclass
class FormattedText:
    """Text as Telegram stores it: markup removed, formatting described by entities."""

    text: str
    entities: list[JSONDict]


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for entity offsets."""
    return len(text.encode("utf-16-le")) // 2


class _Builder:
    """Accumulates output text while tracking the UTF-16 position for entity offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[JSONDict] = []

    def emit(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.pos += utf16_len(chunk)

    def entity(self, etype: str, start: int, extra: JSONDict | None = None) -> None:
        # Telegram drops empty entities rather than rejecting them.
        if self.pos > start:
            self.entities.append(
                {"type": etype, "offset": start, "length": self.pos - start, **(extra or {})}
            )

    def result(self) -> FormattedText:
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return FormattedText("".join(self.parts), entities)


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]+)|#[xX]([0-9a-fA-F]+));")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME_RE = re.compile(r"[A-Za-z0-9-]*")
_ATTR_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")


def _html_unescape(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        if m.group(1):
            return _HTML_NAMED[m.group(1)]
        code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
        return chr(code) if 0 < code <= 0x10FFFF else m.group(0)

    return _HTML_ENTITY_RE.sub(repl, text)


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode())


def _parse_tag_attributes(src: str, i: int, tag_start: int) -> tuple[dict[str, str], int]:
    """Parses attributes starting at ``i``; returns them and the index after ``>``."""
    attrs: dict[str, str] = {}
    n = len(src)
    while True:
        while i < n and src[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(
                f"Unclosed start tag at byte offset {_byte_offset(src, tag_start)}"
            )
        if src[i] == ">":
            return attrs, i + 1
        m = _ATTR_NAME_RE.match(src, i)
        if not m:
            raise EntityParseError(
                f"Empty attribute name in the tag at byte offset {_byte_offset(src, tag_start)}"
            )
        name = m.group(0).lower()
        i = m.end()
        value = ""
        if i < n and src[i] == "=":
            i += 1
            if i < n and src[i] in "\"'":
                end = src.find(src[i], i + 1)
                if end < 0:
                    raise EntityParseError(
                        f"Unclosed start tag at byte offset {_byte_offset(src, tag_start)}"
                    )
                value = _html_unescape(src[i + 1 : end])
                i = end + 1
            else:
                start = i
                while i < n and not src[i].isspace() and src[i] != ">":
                    i += 1
                value = _html_unescape(src[start:i])
        attrs[name] = value


def parse_html(src: str) -> FormattedText:
    """Parses Telegram-flavoured HTML; raises EntityParseError like the Bot API would."""
    out = _Builder()
    # (tag name, entity type or None to skip, start offset, extra entity fields)
    stack: list[tuple[str, str | None, int, JSONDict]] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "&":
            m = _HTML_ENTITY_RE.match(src, i)
            if m:
                out.emit(_html_unescape(m.group(0)))
                i = m.end()
            else:
                out.emit("&")
                i += 1
            continue
        if c != "<":
            j = i
            while j < n and src[j] not in "<&":
                j += 1
            out.emit(src[i:j])
            i = j
            continue
        tag_start = i
        if src.startswith("</", i):
            end = src.find(">", i)
            if end < 0:
                raise EntityParseError(
                    f"Unclosed end tag at byte offset {_byte_offset(src, tag_start)}"
                )
            name = src[i + 2 : end].strip().lower()
            if not stack:
                raise EntityParseError(
                    f"Unexpected end tag at byte offset {_byte_offset(src, tag_start)}"
                )
            open_name, open_type, start, open_extra = stack.pop()
            if name != open_name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(src, tag_start)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            if open_type is not None:
                out.entity(open_type, start, open_extra)
            i = end + 1
            continue
        m = _TAG_NAME_RE.match(src, i + 1)
        assert m is not None  # the pattern accepts the empty string
        name = m.group(0).lower()
        if name not in _HTML_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(src, tag_start)}'
            )
        attrs, i = _parse_tag_attributes(src, m.end(), tag_start)
        etype: str | None = _HTML_TAGS[name]
        extra: JSONDict = {}
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError('Tag "span" must have class "tg-spoiler"')
        if name == "a":
            href = attrs.get("href", "")
            user = re.fullmatch(r"tg://user\?id=(\d+)", href)
            if user:
                etype, extra = "text_mention", {"user": {"id": int(user.group(1))}}
            elif href:
                extra = {"url": href}
            else:
                etype = None
        elif name == "tg-emoji":
            if "emoji-id" not in attrs:
                raise EntityParseError('Tag "tg-emoji" must have attribute "emoji-id"')
            extra = {"custom_emoji_id": attrs["emoji-id"]}
        elif name == "blockquote" and "expandable" in attrs:
            etype = "expandable_blockquote"
        elif name == "code" and stack and stack[-1][0] == "pre":
            language = attrs.get("class", "")
            if language.startswith("language-"):
                # <pre><code class="language-x"> is one pre entity with a language.
                stack[-1][3]["language"] = language.removeprefix("language-")
                etype = None
        stack.append((name, etype, out.pos, extra))
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MD_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "pre": "Pre",
    "code": "Code",
}


def _md_find_closing(src: str, i: int, marker: str) -> int:
    """Index of the next unescaped ``marker`` at or after ``i``, or -1."""
    while i < len(src):
        if src[i] == "\\":
            i += 2
            continue
        if src.startswith(marker, i):
            return i
        i += 1
    return -1


def _md_unescape(text: str) -> str:
    return re.sub(r"\\([\x01-\x7e])", r"\1", text)


def parse_markdown(src: str, *, v2: bool = True) -> FormattedText:
    """Parses MarkdownV2 (or legacy Markdown with ``v2=False``) like the Bot API."""
    out = _Builder()
    stack: list[tuple[str, str, int, int]] = []  # marker, entity type, start, byte offset
    markers = {"*": "bold", "_": "italic"}
    if v2:
        markers |= {"__": "underline", "~": "strikethrough", "||": "spoiler"}
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\" and i + 1 < n and 1 <= ord(src[i + 1]) <= 126:
            out.emit(src[i + 1])
            i += 2
            continue
        if c == "`":
            fence = "```" if src.startswith("```", i) else "`"
            etype = "pre" if fence == "```" else "code"
            end = _md_find_closing(src, i + len(fence), fence)
            if end < 0:
                raise _md_unclosed(src, i, etype, v2)
            body = src[i + len(fence) : end]
            extra: JSONDict = {}
            if etype == "pre" and "\n" in body:
                first, rest = body.split("\n", 1)
                if first and not any(ch.isspace() for ch in first):
                    extra, body = {"language": first}, rest
            start = out.pos
            out.emit(_md_unescape(body) if v2 else body)
            out.entity(etype, start, extra)
            i = end + len(fence)
            continue
        if (v2 and c == "!" and src.startswith("![", i)) or c == "[":
            is_emoji = c == "!"
            stack.append(("[", "custom_emoji" if is_emoji else "text_link", out.pos, i))
            i += 2 if is_emoji else 1
            continue
        if c == "]" and stack and stack[-1][0] == "[":
            _, etype, start, byte_at = stack.pop()
            if not src.startswith("(", i + 1):
                raise _md_unclosed(src, byte_at, etype, v2)
            end = _md_find_closing(src, i + 2, ")")
            if end < 0:
                raise _md_unclosed(src, byte_at, etype, v2)
            target = _md_unescape(src[i + 2 : end])
            if etype == "custom_emoji":
                out.entity(etype, start, {"custom_emoji_id": target.rsplit("id=", 1)[-1]})
            else:
                out.entity(etype, start, {"url": target})
            i = end + 1
            continue
        marker = src[i : i + 2] if src[i : i + 2] in markers else c
        if marker in markers and not (not v2 and stack and stack[-1][0] != marker):
            if stack and stack[-1][0] == marker:
                _, etype, start, _ = stack.pop()
                out.entity(etype, start)
            else:
                stack.append((marker, markers[marker], out.pos, i))
            i += len(marker)
            continue
        if v2 and c == ">" and (i == 0 or src[i - 1] == "\n"):
            i += 1  # blockquote line marker; the quote itself is not tracked
            continue
        if v2 and c in _MDV2_RESERVED:
            raise EntityParseError(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        out.emit(c)
        i += 1
    if stack:
        _, etype, _, byte_at = stack[-1]
        raise _md_unclosed(src, byte_at, etype, v2)
    return out.result()


def _md_unclosed(src: str, index: int, etype: str, v2: bool) -> EntityParseError:
    offset = _byte_offset(src, index)
    if v2:
        return EntityParseError(
            f"Can't find end of {_MD_NAMES[etype]} entity at byte offset {offset}"
        )
    return EntityParseError(f"Can't find end of the entity starting at byte offset {offset}")


def parse_formatted(
    text: str, parse_mode: str | None, entities: list[JSONDict] | None = None
) -> FormattedText:
    """Turns text + parse_mode (or explicit entities) into what Telegram would store."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown(text, v2=True)
    if mode == "markdown":
        return parse_markdown(text, v2=False)
    if mode:
        raise ApiError(400, "Bad Request: unsupported parse_mode")
    return FormattedText(text, list(entities or []))
