"""A strict model of what Telegram's HTML parse mode accepts, for tests.

Modelled on the Bot API's "HTML style" rules: only the listed tags, each with only its
listed attributes; every tag closed in order; ``<``, ``>`` and ``&`` in text escaped
(named entities lt, gt, amp, quot, or numeric ones); entities nested only as Telegram
allows; some visible text; at most 4096 characters. Stricter than Telegram where
Telegram is lenient, so passing here means Telegram accepts it.
"""

from __future__ import annotations

TELEGRAM_LIMIT = 4096
_MARKS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "span"}
_TAGS = _MARKS | {"a", "code", "pre", "blockquote", "tg-emoji"}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class Invalid(AssertionError):
    pass


def _entity(text: str, at: int) -> tuple[str, int]:
    """Decode the entity at ``text[at] == '&'``; returns (character, index after it)."""
    end = text.find(";", at)
    if end == -1 or end - at > 10:
        raise Invalid(f"bare & at {at}: {text[at : at + 12]!r}")
    body = text[at + 1 : end]
    if body in _NAMED:
        return _NAMED[body], end + 1
    if body.startswith("#x") or body.startswith("#X"):
        digits, base = body[2:], 16
    elif body.startswith("#"):
        digits, base = body[1:], 10
    else:
        raise Invalid(f"unsupported entity &{body};")
    allowed = "0123456789abcdefABCDEF" if base == 16 else "0123456789"
    if not digits or any(ch not in allowed for ch in digits):
        raise Invalid(f"bad numeric entity &{body};")
    value = int(digits, base)
    if not 0 < value <= 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise Invalid(f"numeric entity out of range &{body};")
    return chr(value), end + 1


def _attributes(raw: str) -> dict[str, str | None]:
    """Parse ``name="value"`` pairs (double quotes only) and bare names."""
    attrs: dict[str, str | None] = {}
    i = 0
    while i < len(raw):
        if raw[i] == " ":
            i += 1
            continue
        start = i
        while i < len(raw) and (raw[i].isalnum() or raw[i] == "-"):
            i += 1
        name = raw[start:i]
        if not name or name in attrs:
            raise Invalid(f"bad attribute in {raw!r}")
        if i < len(raw) and raw[i] == "=":
            if raw[i + 1 : i + 2] != '"':
                raise Invalid(f"unquoted attribute in {raw!r}")
            close = raw.find('"', i + 2)
            if close == -1:
                raise Invalid(f"unterminated attribute in {raw!r}")
            value = raw[i + 2 : close]
            decoded = []
            j = 0
            while j < len(value):
                if value[j] == "&":
                    ch, j = _entity(value, j)
                    decoded.append(ch)
                elif value[j] == "<":
                    raise Invalid(f"< in attribute {raw!r}")
                else:
                    decoded.append(value[j])
                    j += 1
            attrs[name] = "".join(decoded)
            i = close + 1
        else:
            attrs[name] = None
    return attrs


def _check_open(name: str, attrs: dict[str, str | None], stack: list[str]) -> None:
    if name not in _TAGS:
        raise Invalid(f"unsupported tag <{name}>")
    allowed: dict[str, set[str]] = {
        "a": {"href"},
        "span": {"class"},
        "tg-emoji": {"emoji-id"},
        "code": {"class"},
        "blockquote": {"expandable"},
    }
    extra = set(attrs) - allowed.get(name, set())
    if extra:
        raise Invalid(f"attributes {sorted(extra)} not allowed on <{name}>")
    if name == "a" and not attrs.get("href"):
        raise Invalid("<a> without href")
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise Invalid('<span> must be class="tg-spoiler"')
    inside = set(stack)
    if inside & {"code", "pre"} and not (name == "code" and stack and stack[-1] == "pre"):
        raise Invalid(f"<{name}> inside code/pre")
    if "class" in attrs and name == "code" and not (stack and stack[-1] == "pre"):
        raise Invalid("a language only on <pre><code>")
    if name in {"a", "code", "pre"} and "a" in inside:
        raise Invalid(f"<{name}> inside a link")
    if name == "blockquote" and inside & {"blockquote", "a"}:
        raise Invalid("nested blockquote")


def check(message: str, *, limit: int = TELEGRAM_LIMIT) -> str:
    """Raise Invalid unless Telegram would accept ``message``; returns its visible text."""
    if len(message) > limit:
        raise Invalid(f"{len(message)} characters, over {limit}")
    stack: list[str] = []
    visible: list[str] = []
    i = 0
    while i < len(message):
        ch = message[i]
        if ch == "&":
            decoded, i = _entity(message, i)
            visible.append(decoded)
        elif ch == ">":
            raise Invalid(f"bare > at {i}")
        elif ch == "<":
            end = message.find(">", i)
            if end == -1:
                raise Invalid(f"unterminated tag at {i}")
            inner = message[i + 1 : end]
            if "<" in inner:
                raise Invalid(f"< inside a tag at {i}")
            i = end + 1
            if inner.startswith("/"):
                name = inner[1:]
                if not stack or stack[-1] != name:
                    raise Invalid(f"</{name}> does not close {stack[-1:] or 'anything'}")
                stack.pop()
                continue
            name, _, raw_attrs = inner.partition(" ")
            _check_open(name, _attributes(raw_attrs), stack)
            stack.append(name)
        else:
            visible.append(ch)
            i += 1
    if stack:
        raise Invalid(f"unclosed {stack}")
    text = "".join(visible)
    if not text.strip():
        raise Invalid("no visible text")
    return text
