"""Split long Telegram HTML (or plain text) into messages that fit the API limit.

Lengths are counted in Python characters (code points) of the raw HTML, which is
never less than what Telegram counts after parsing entities.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

TELEGRAM_LIMIT = 4096

# Break-point quality, best first.
_PARAGRAPH, _LINE, _SENTENCE, _SPACE, _ANYWHERE, _INSIDE_GRAPHEME = range(6)
_SENTENCE_END = frozenset(".!?…。！？")
_CLOSING_PUNCT = frozenset("\"')]»”’")
# Prefer a good break only if it keeps the chunk at least this full; otherwise
# one early paragraph break would produce a tiny message and many more after it.
_MIN_FILL = 0.5

_TOKEN_RE = re.compile(
    r"""
    (?P<tag><(?P<close>/)?(?P<name>[A-Za-z][A-Za-z0-9-]*)
        (?:\s+[^\s=<>/"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))?)*
        \s*(?P<void>/)?>)
    | (?P<entity>&(?:\#[0-9]{1,7}|\#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: Literal["open", "close", "void", "text"]
    raw: str
    name: str = ""  # tag name for tags
    char: str = ""  # the plain-text character for text tokens


def _tokenize(source: str) -> list[_Token]:
    """Tags become single tokens; text becomes one token per plain character.

    An entity is one token, so it can never be cut. A '<' or '&' that does not
    start a tag or a known entity is kept as a literal character.
    """
    tokens: list[_Token] = []
    pos = 0
    for match in _TOKEN_RE.finditer(source):
        tokens.extend(_Token("text", ch, char=ch) for ch in source[pos : match.start()])
        raw = match.group()
        if match["tag"]:
            name = match["name"].lower()
            kind: Literal["open", "close", "void"] = (
                "close" if match["close"] else "void" if match["void"] else "open"
            )
            tokens.append(_Token(kind, raw, name=name))
        else:
            char = html.unescape(raw)
            if char == raw or len(char) != 1:  # unknown entity: plain '&' followed by text
                tokens.extend(_Token("text", ch, char=ch) for ch in raw)
            else:
                tokens.append(_Token("text", raw, char=char))
        pos = match.end()
    tokens.extend(_Token("text", ch, char=ch) for ch in source[pos:])
    return tokens


def html_to_plain(html_text: str) -> str:
    """The text a reader sees: tags removed, entities decoded."""
    return "".join(token.char for token in _tokenize(html_text))


def plain_len(html_text: str) -> int:
    return len(html_to_plain(html_text))


def _is_grapheme_glue(ch: str) -> bool:
    """Characters that attach to the one before (accents, ZWJ, variation selectors, skin tones)."""
    if not ch:
        return False
    return (
        bool(unicodedata.combining(ch))
        or ch == "\u200d"
        or "\ufe00" <= ch <= "\ufe0f"
        or "\U0001f3fb" <= ch <= "\U0001f3ff"
        or "\U000e0020" <= ch <= "\U000e007f"  # tag characters in subdivision flags
    )


def _is_regional_indicator(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def _break_ranks(chars: list[str]) -> list[int]:
    """Quality of a break after each plain character (index i = break after chars[i])."""
    ranks = []
    regional_run = 0  # flags are pairs of regional indicators
    for i, ch in enumerate(chars):
        prev = chars[i - 1] if i else ""
        before_prev = chars[i - 2] if i > 1 else ""
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        regional_run = regional_run + 1 if _is_regional_indicator(ch) else 0
        if ch == "\n":
            # A blank line, possibly with stray spaces on it, ends a paragraph.
            j = i - 1
            while j >= 0 and chars[j] in " \t":
                j -= 1
            ranks.append(_PARAGRAPH if j >= 0 and chars[j] == "\n" else _LINE)
        elif ch.isspace():
            ends_sentence = prev in _SENTENCE_END or (
                prev in _CLOSING_PUNCT and before_prev in _SENTENCE_END
            )
            ranks.append(_SENTENCE if ends_sentence else _SPACE)
        elif (
            _is_grapheme_glue(nxt)
            or ch == "\u200d"
            or (regional_run % 2 == 1 and _is_regional_indicator(nxt))
        ):
            ranks.append(_INSIDE_GRAPHEME)
        else:
            ranks.append(_ANYWHERE)
    return ranks


def _closers(stack: list[_Token]) -> str:
    return "".join(f"</{tag.name}>" for tag in reversed(stack))


def _emit(stack: list[_Token], token: _Token) -> str:
    """Apply ``token`` to the open-element stack and return the HTML to write for it.

    Close tags are written as the closers of everything they end, and stray
    ones are dropped, so every chunk is balanced even if the input is not.
    """
    if token.kind == "open":
        stack.append(token)
    elif token.kind == "close":
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth].name == token.name:
                written = _closers(stack[depth:])
                del stack[depth:]
                return written
        return ""
    return token.raw


def _render(tokens: list[_Token], stack_before: list[_Token]) -> str:
    """Reopen inherited tags, emit tokens without edge whitespace, close what is open."""
    visible = [i for i, t in enumerate(tokens) if t.kind == "text" and not t.char.isspace()]
    if not visible:
        return ""
    first, last = visible[0], visible[-1]
    stack = list(stack_before)
    parts = [tag.raw for tag in stack]
    for i, token in enumerate(tokens):
        if token.kind == "text" and (i < first or i > last):
            continue  # whitespace at a split point (or the message edges)
        parts.append(_emit(stack, token))
    parts.append(_closers(stack))
    return "".join(parts)


def _choose_break(candidates: list[tuple[int, int, int]], fitted: int) -> int:
    """Pick a token index to break at from (index, rank, size) candidates.

    The best-ranked word boundary that keeps the chunk reasonably full wins;
    failing that the latest word boundary, and only then a cut inside a word.
    """
    for rank in range(_SPACE + 1):
        full_enough = [c for c in candidates if c[1] == rank and c[2] >= fitted * _MIN_FILL]
        if full_enough:
            return full_enough[-1][0]
    for ranks in (range(_SPACE + 1), (_ANYWHERE,), (_INSIDE_GRAPHEME,)):
        usable = [c for c in candidates if c[1] in ranks]
        if usable:
            return usable[-1][0]
    raise AssertionError("unreachable: candidates is not empty")


def split_html(html_text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split Telegram HTML into self-contained chunks of at most ``limit`` characters.

    Breaks prefer blank lines, then newlines, sentence ends, spaces and only
    then the middle of a word (never inside a tag, an entity or, if avoidable,
    a character with its combining marks). Tags open at a break are closed at
    the end of the chunk and reopened (same attributes) at the start of the
    next one. Whitespace at break points and at the message edges is dropped,
    as are chunks with no visible text. Raises ValueError if ``limit`` cannot
    even hold the tags that are open at some point.
    """
    return _split_tokens(_tokenize(html_text), limit)


def split_plain(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split plain text by the same rules; chunks stay plain (nothing is escaped)."""
    return _split_tokens([_Token("text", ch, char=ch) for ch in text], limit)


def _split_tokens(tokens: list[_Token], limit: int) -> list[str]:
    if limit < 1:
        raise ValueError("limit must be positive")
    text_index = [i for i, t in enumerate(tokens) if t.kind == "text"]
    ranks = dict(zip(text_index, _break_ranks([tokens[i].char for i in text_index]), strict=True))

    chunks: list[str] = []
    stack: list[_Token] = []
    start = 0
    while start < len(tokens):
        # Written size plus pending closers never shrinks as tokens are added (a
        # close tag just moves closers from the suffix into the body), so the
        # chunk can grow until the first token that overflows.
        local = list(stack)
        size = sum(len(tag.raw) for tag in local)
        closing = len(_closers(local))
        candidates: list[tuple[int, int, int]] = []
        end = start
        while end < len(tokens):
            token = tokens[end]
            if token.kind == "open":
                grow = len(token.raw) + len(f"</{token.name}>")
            elif token.kind == "close":
                grow = 0
            else:
                grow = len(token.raw)
            if size + closing + grow > limit:
                break
            size += len(_emit(local, token))
            closing = len(_closers(local))
            end += 1
            if token.kind == "text":
                candidates.append((end, ranks[end - 1], size + closing))
        if end < len(tokens):
            if not candidates:
                raise ValueError(f"limit {limit} is too small for the markup around the text")
            end = _choose_break(candidates, size + closing)
            while end < len(tokens) and tokens[end].kind == "close":
                end += 1  # keep closing tags with their text; costs nothing
        chunk = _render(tokens[start:end], stack)
        if chunk:
            chunks.append(chunk)
        for token in tokens[start:end]:
            _emit(stack, token)
        start = end
    return chunks
