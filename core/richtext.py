"""Stored entry content, whoever wrote it, as Telegram HTML, plain text or Markdown.

``entries.content`` is shared with the web app (docs/bot-data.md, "Entry content").
Three kinds of text are found there:

- the web app's rich-text editor HTML (``<p>``, lists, headings, images, ...);
- the bot's own fragment (Telegram's inline tags, ``<br>`` for line breaks) and older
  bot rows that kept line breaks as newline characters;
- plain text, possibly with bare ``<``, ``>`` and ``&``.

Everything is parsed with Lexbor, a WHATWG HTML5 parser (through selectolax), so
malformed or misnested markup becomes the same tree a browser shows in the web app.
Text without a single known HTML element or character reference is plain text.
Newlines are line breaks unless the content has block markup (``<p>``, ``<br>``,
``<div>``, ...), where, as in a browser, whitespace collapses.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markdownify import markdownify
from selectolax.lexbor import LexborHTMLParser, LexborNode

# Telegram's inline formatting tags, by the HTML names that mean them.
_MARKS = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "cite": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "tg-spoiler": "tg-spoiler",
    "code": "code",
    "kbd": "code",
    "samp": "code",
    "tt": "code",
}


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


_HEADINGS = _names("h1 h2 h3 h4 h5 h6")
# Elements that start and end a line of their own.
_BLOCKS = _HEADINGS | _names(
    "p div section article header footer main aside nav figure figcaption address details "
    "summary dl dt dd table thead tbody tfoot tr caption center hr li ul ol blockquote pre "
    "form fieldset legend"
)
# Their presence means the content is browser HTML: newlines there are only whitespace.
# (Telegram's own HTML has blockquote and pre, with newlines as line breaks.)
_BLOCK_MARKUP = (_BLOCKS | {"br"}) - {"blockquote", "pre"}
# Dropped with everything inside: not text a reader ever saw.
_INVISIBLE = _names(
    "script style template noscript head title iframe object svg math select textarea button input"
)
# Names that make a "<...>" in the text a tag rather than someone typing "a<b".
_KNOWN = (
    set(_MARKS)
    | _BLOCKS
    | _INVISIBLE
    | _names(
        "br a img span font small big sub sup mark abbr q td th col colgroup label tg-emoji "
        "wbr html body var"
    )
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tg"})
_BULLET = "•"
_INDENT = "  "


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute link Telegram accepts and that runs no script, else None."""
    if not url:
        return None
    # Browsers ignore tabs and newlines anywhere in a URL ("java\tscript:" is javascript:).
    cleaned = "".join(ch for ch in url.strip() if ch not in "\t\n\r")
    if not cleaned or len(cleaned) > 2048 or any(ord(ch) < 32 or ch == " " for ch in cleaned):
        return None
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in SAFE_SCHEMES:
        return None
    if scheme in {"http", "https"} and not parts.netloc:
        return None
    if scheme in {"mailto", "tg"} and not (parts.path or parts.netloc):
        return None
    return cleaned


def _classes(node: LexborNode) -> set[str]:
    return set((node.attributes.get("class") or "").lower().split())


def _is_spoiler(node: LexborNode) -> bool:
    if node.tag == "tg-spoiler":
        return True
    attrs = node.attributes
    return "data-spoiler" in attrs or any("spoiler" in c for c in _classes(node))


@dataclass
class _List:
    ordered: bool
    next_number: int


@dataclass
class _Writer:
    """Builds Telegram HTML (or, with ``br``, the stored fragment). Tags are opened lazily,
    just before the text they format, and line breaks wait until there is text after
    them: so no empty tags, no leading or trailing blank lines, and a break between two
    blocks sits outside both."""

    collapse: bool
    br: bool = False  # line breaks as <br> outside <pre>: the stored form
    parts: list[str] = field(default_factory=list)
    wanted: list[tuple[str, str]] = field(default_factory=list)  # (name, open tag)
    written: list[tuple[str, str]] = field(default_factory=list)
    pending_breaks: int = 0
    soft: bool = False  # the pending break only ends a block; a typed newline joins it
    line_open: bool = False
    anything: bool = False
    pre_depth: int = 0
    last_space: bool = False
    last_text: int = -1  # index in parts of the latest text written

    def names(self) -> set[str]:
        return {name for name, _ in self.wanted}

    def can_open(self, name: str) -> bool:
        """Telegram's nesting rules: nothing inside code or pre; links, code and pre never
        inside one another; a blockquote in neither a link nor another blockquote."""
        inside = self.names()
        if inside & {"code", "pre"}:
            return False
        if name in {"a", "code", "pre"} and inside & {"a"}:
            return False
        return not (name == "blockquote" and inside & {"blockquote", "a"})

    def push(self, name: str, open_tag: str) -> bool:
        if not self.can_open(name):
            return False
        self.wanted.append((name, open_tag))
        return True

    def pop(self, name: str) -> None:
        for depth in range(len(self.wanted) - 1, -1, -1):
            if self.wanted[depth][0] == name:
                del self.wanted[depth]
                return

    def end_line(self) -> None:
        if self.line_open:
            self.pending_breaks = max(self.pending_breaks, 1)
            self.soft = True
            self.line_open = False

    def blank_line(self) -> None:
        """An empty paragraph: one more line break, if anything came before."""
        if self.anything:
            self.end_line()
            self.pending_breaks += 1
            self.soft = False

    def line_break(self, typed: bool = False) -> None:
        """A <br>, or with ``typed`` a newline character (which a block end absorbs)."""
        if self.anything:
            if not (typed and self.soft):
                self.pending_breaks += 1
            self.soft = False
            self.line_open = False

    def text(self, data: str, *, verbatim: bool = False) -> None:
        if self.pre_depth or verbatim:
            self._write(data)
            return
        if self.collapse:
            words = data.split()
            if not words:
                data = " " if data else ""
            else:
                lead = " " if data[0].isspace() else ""
                data = lead + " ".join(words) + (" " if data[-1].isspace() else "")
            if not self.line_open or self.pending_breaks or self.last_space:
                data = data.lstrip(" ")
            self._write(data)
            return
        lines = data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for i, line in enumerate(lines):
            if i:
                self.line_break(typed=True)
            self._write(line)

    def _write(self, data: str) -> None:
        at_line_start = not self.line_open or self.pending_breaks > 0
        if not data:
            return
        if not data.strip() and (
            (at_line_start and not self.pre_depth) or self.written != self.wanted
        ):
            # Whitespace before the first text of a line is dropped; between words it
            # is kept, but opens no tag (a tag around nothing visible is an error).
            if not at_line_start:
                self._close_unwanted()
                self._append(data)
            return
        self._sync_tags()
        self._append(data)

    def _append(self, data: str) -> None:
        escaped = html.escape(data, quote=False)
        if self.br and not self.pre_depth:
            escaped = escaped.replace("\n", "<br>")
        self.last_text = len(self.parts)
        self.parts.append(escaped)
        self.anything = True
        self.line_open = not data.endswith("\n")
        self.last_space = data[-1].isspace()

    def _close_unwanted(self) -> list[tuple[str, str]]:
        """Close the written tags no longer wanted; returns them."""
        common = 0
        while (
            common < len(self.written)
            and common < len(self.wanted)
            and self.written[common] == self.wanted[common]
        ):
            common += 1
        closing = self.written[common:]
        for name, _ in reversed(closing):
            self.parts.append(f"</{name}>")
        del self.written[common:]
        return closing

    def _sync_tags(self) -> None:
        closing = self._close_unwanted()
        opening = self.wanted[len(self.written) :]
        breaks = self.pending_breaks if self.anything else 0
        if (breaks or any(n in _BLOCKS for n, _ in closing + opening)) and self.last_text >= 0:
            # No trailing spaces at the end of a line.
            self.parts[self.last_text] = self.parts[self.last_text].rstrip(" ")
        if self.br:
            # A browser already starts a line at a block's edge.
            blocks = {"blockquote", "pre"}
            if any(name in blocks for name, _ in closing + opening):
                breaks -= 1
            self.parts.append("<br>" * max(0, breaks))
        else:
            self.parts.append("\n" * breaks)
        self.pending_breaks = 0
        self.soft = False
        for tag in opening:
            self.parts.append(tag[1])
            self.written.append(tag)

    def result(self) -> str:
        self.parts.extend(f"</{name}>" for name, _ in reversed(self.written))
        self.written.clear()
        return "".join(self.parts)


def _children(node: LexborNode) -> Iterator[LexborNode]:
    child = node.child
    while child is not None:
        yield child
        child = child.next


def _siblings(first: LexborNode | None) -> list[LexborNode]:
    nodes = []
    while first is not None:
        nodes.append(first)
        first = first.next
    return nodes


def _parse(content: str) -> list[LexborNode] | None:
    """The content's top-level nodes, or None when it is plain text."""
    tree = LexborHTMLParser(content, is_fragment=True)
    nodes = _siblings(tree.root)
    if html.unescape(content) != content:
        return nodes  # a character reference: markup, even without a tag
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if node.tag in _KNOWN:
            return nodes
        stack.extend(_children(node))
    return None


def _has_block_markup(nodes: list[LexborNode]) -> bool:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if node.tag in _BLOCK_MARKUP:
            return True
        stack.extend(_children(node))
    return False


_Exit = tuple[str, LexborNode]


def _walk(nodes: list[LexborNode], out: _Writer) -> None:
    """Depth-first, with an explicit stack: deeply nested markup must not hit the
    recursion limit."""
    lists: list[_List] = []
    work: list[LexborNode | _Exit] = list(reversed(nodes))
    while work:
        item = work.pop()
        if isinstance(item, tuple):
            _leave(item[0], item[1], out, lists)
            continue
        node = item
        tag = node.tag or ""
        if tag == "-text":
            out.text(node.text_content or "")
            continue
        if tag.startswith("-") or tag in _INVISIBLE:
            continue  # comments, doctype, scripts
        action = _enter(node, tag, out, lists)
        if action is None:
            continue
        work.append((action, node))
        work.extend(reversed(list(_children(node))))


def _enter(node: LexborNode, tag: str, out: _Writer, lists: list[_List]) -> str | None:
    """Open ``node``; returns what its exit must undo, or None if it has no children to visit."""
    if tag == "br":
        out.line_break()
        return None
    if tag == "hr":
        out.end_line()
        return None
    if tag == "img":
        _image(node, out)
        return None
    if tag in _BLOCKS:
        out.end_line()
    if tag in {"ul", "ol"}:
        start = node.attributes.get("start") or "1"
        number = int(start) if start.isdigit() and len(start) < 7 else 1
        lists.append(_List(ordered=tag == "ol", next_number=number))
        return "list"
    if tag == "li":
        current = lists[-1] if lists else _List(ordered=False, next_number=1)
        if current.ordered:
            marker = f"{current.next_number}. "
            current.next_number += 1
        else:
            marker = f"{_BULLET} "
        out.end_line()
        out.text(_INDENT * max(0, len(lists) - 1) + marker, verbatim=True)
        return "block"
    if tag in _HEADINGS:
        return "heading" if out.push("b", "<b>") else "block"
    if tag == "pre":
        if out.push("pre", "<pre>"):
            out.pre_depth += 1
            return "pre"
        return "block"
    if tag == "blockquote":
        return "blockquote" if out.push("blockquote", "<blockquote>") else "block"
    if tag in {"td", "th"}:
        out.text(" ")
        return "inline"
    if tag == "a":
        href = safe_url(node.attributes.get("href"))
        if href is not None and out.push("a", f'<a href="{html.escape(href)}">'):
            return "a"
        return "inline"
    if _is_spoiler(node):
        return "tg-spoiler" if out.push("tg-spoiler", "<tg-spoiler>") else "inline"
    mark = _MARKS.get(tag)
    if mark is not None and out.push(mark, f"<{mark}>"):
        return mark
    return "block" if tag in _BLOCKS else "inline"


def _leave(action: str, node: LexborNode, out: _Writer, lists: list[_List]) -> None:
    tag = node.tag or ""
    if action == "list":
        lists.pop()
        out.end_line()
        return
    if action == "pre":
        out.pre_depth -= 1
    if action not in {"block", "inline"}:
        out.pop("b" if action == "heading" else action)
    if tag in _BLOCKS:
        if tag in {"p", "div"} and not _has_text(node):
            out.blank_line()  # the editor's way of writing an empty line
        else:
            out.end_line()


def _has_text(node: LexborNode) -> bool:
    stack = list(_children(node))
    while stack:
        child = stack.pop()
        if child.tag == "-text" and (child.text_content or "").strip():
            return True
        if child.tag in {"img", "br"}:  # <p><br></p> is an editor's empty line already
            return True
        stack.extend(_children(child))
    return False


def _image(node: LexborNode, out: _Writer) -> None:
    alt = " ".join((node.attributes.get("alt") or "").split())
    src = safe_url(node.attributes.get("src"))
    if src is not None and urlsplit(src).scheme not in {"http", "https"}:
        src = None
    label = alt or "image"
    if src is not None and out.push("a", f'<a href="{html.escape(src)}">'):
        out.text(f"🖼 {label}")
        out.pop("a")
    elif alt:
        out.text(f"🖼 {alt}")


def _convert(content: str, *, br: bool, fast: bool = True) -> str:
    if fast and "<" not in content and "&#" not in content:
        # No markup to parse: most messages. Same result as the parser's text node,
        # without building a document for it (this runs for every message saved).
        # Numeric references go to the parser: Python's unescape drops control
        # characters (&#1;) that an HTML5 parser keeps.
        decoded = html.unescape(content) if "&" in content else content
        if decoded != content:  # markup after all: HTML drops NUL characters
            decoded = decoded.replace("\0", "")
        out = _Writer(collapse=False, br=br)
        out.text(decoded)
        return out.result()
    nodes = _parse(content)
    if nodes is None:
        out = _Writer(collapse=False, br=br)
        out.text(content)
    else:
        out = _Writer(collapse=_has_block_markup(nodes), br=br)
        _walk(nodes, out)
    return out.result()


def to_telegram_html(content: str) -> str:
    """Any stored content as Telegram HTML: only tags Telegram accepts, balanced, nested
    as Telegram allows, text escaped. Empty when there is no visible text."""
    return _convert(content, br=False)


def to_stored_html(content: str) -> str:
    """What the bot writes to ``entries.content`` (docs/bot-data.md, "Entry content"):
    the tags of ``to_telegram_html``, with line breaks outside ``<pre>`` as ``<br>`` so
    that the web app shows them too. Takes a message's Telegram HTML, or anything stored."""
    return _convert(content, br=True)


def to_plain(content: str) -> str:
    """What a reader sees of stored content, as plain text with line breaks."""
    telegram = to_telegram_html(content)
    nodes = _siblings(LexborHTMLParser(telegram, is_fragment=True).root)
    pieces: list[str] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if node.tag == "-text":
            pieces.append(node.text_content or "")
        else:
            stack.extend(reversed(list(_children(node))))
    return "".join(pieces)


def content_format(content: str) -> str:
    """How stored content is to be read: ``"html"`` (a fragment) or ``"text"`` (plain)."""
    return "text" if _parse(content) is None else "html"


def to_markdown(content: str) -> str:
    """Stored content as Markdown, converted as for Telegram (same tags kept, same line
    breaks), then written out by markdownify, which escapes Markdown in the text."""
    return markdownify(to_stored_html(content), newline_style="SPACES").strip()
