"""Stored content (the web app's HTML, the bot's own, plain text) as Telegram HTML."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.richtext import _convert, safe_url, to_plain, to_stored_html, to_telegram_html
from core.textsplit import split_html
from tests.telegram_html import Invalid, check

# --- examples a user would notice ---------------------------------------------------


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        # The web app's editor
        (
            "<p>Hello <strong>world</strong></p><p></p><p>Second &amp; more</p>",
            "Hello <b>world</b>\n\nSecond &amp; more",
        ),
        (
            "<h2>Plan</h2><ul><li>one</li><li>two<ol><li>a</li><li>b</li></ol></li></ul><p>end</p>",
            "<b>Plan</b>\n• one\n• two\n  1. a\n  2. b\nend",
        ),
        ('<ol start="3"><li>c</li><li>d</li></ol>', "3. c\n4. d"),
        ("<p>line<br>break<br></p><p>next</p>", "line\nbreak\nnext"),
        ("<p>a</p><p><br></p><p>b</p>", "a\n\nb"),  # Quill's empty line
        (
            "<p>a <em>b</em> <u>c</u> <s>d</s> <del>e</del></p>",
            "a <i>b</i> <u>c</u> <s>d</s> <s>e</s>",
        ),
        (
            '<p><img alt="my cat" src="https://example.com/cat.png"></p>',
            '<a href="https://example.com/cat.png">🖼 my cat</a>',
        ),
        ('<p>x<img src="data:image/png;base64,AAAA" alt="inline">y</p>', "x🖼 inliney"),
        ('<p><img src="data:image/png;base64,AAAA"></p><p>after</p>', "after"),
        ('<p><span class="spoiler">secret</span></p>', "<tg-spoiler>secret</tg-spoiler>"),
        (
            "<blockquote><p>quoted</p><p>twice</p></blockquote>",
            "<blockquote>quoted\ntwice</blockquote>",
        ),
        (
            '<pre><code class="language-py">x = 1 &lt; 2\n  y</code></pre>',
            "<pre>x = 1 &lt; 2\n  y</pre>",
        ),
        # Malformed or hostile markup
        ("<p>a <b>b<i>c</b>d</i></p>", "a <b>b<i>c</i></b><i>d</i>"),
        ("<p>unclosed <b>bold", "unclosed <b>bold</b>"),
        ("<p>a</p></b>stray</i> closers", "a\nstray closers"),
        ('<a href="javascript:alert(1)">click</a>', "click"),
        ('<a href="/relative">rel</a>', "rel"),
        ('<a href="https://a.example/?q=1&amp;r=&quot;2&quot;">ok</a>', None),
        ("<script>alert(1)</script><style>p{}</style>seen<!-- hidden -->", "seen"),
        ("<a href='https://x.example'>out <a href='https://y.example'>in</a></a>", None),
        ("<code><b>no</b> tags</code> in code", "<code>no tags</code> in code"),
        ("<blockquote>a<blockquote>b</blockquote></blockquote>", "<blockquote>a\nb</blockquote>"),
        ("<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>", "1 2\n3"),
        ("<custom-tag>kept</custom-tag> <font color=red>text</font>", "kept text"),
        # The bot's own HTML, old (newlines) and new (<br>)
        ("Finally <b>shipped</b>\n\nPart two", "Finally <b>shipped</b>\n\nPart two"),
        ("Finally <b>shipped</b><br><br>Part two", "Finally <b>shipped</b>\n\nPart two"),
        ('a <span class="tg-spoiler">s</span>', "a <tg-spoiler>s</tg-spoiler>"),
        # Plain text
        ("I <3 my team & 5 > 3\nx<y", "I &lt;3 my team &amp; 5 &gt; 3\nx&lt;y"),
        ("AT&T", "AT&amp;T"),
        ("", ""),
        ("<p></p><p> </p>", ""),
        ("<PRE><?>\r", ""),  # no tag around whitespace alone
        ("word<b> </b>word", "word word"),
    ],
)
def test_content_is_shown_as_telegram_html(content: str, shown: str | None) -> None:
    result = to_telegram_html(content)
    if shown is not None:
        assert result == shown
    if result:
        check(result)


def test_links_keep_only_safe_schemes() -> None:
    assert safe_url("https://example.com/x") == "https://example.com/x"
    assert safe_url("mailto:me@example.com") == "mailto:me@example.com"
    assert safe_url("tg://user?id=1") == "tg://user?id=1"
    for bad in [
        "javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,x",
        "/x",
        "http://",
        "",
        None,
    ]:
        assert safe_url(bad) is None


def test_plain_text_is_what_a_reader_sees() -> None:
    assert to_plain("<p>Hello <strong>world</strong></p><p>Bye &amp; thanks</p>") == (
        "Hello world\nBye & thanks"
    )


def test_the_bot_stores_line_breaks_as_br() -> None:
    # The web app shows newline characters as spaces: the stored fragment uses <br>.
    stored = to_stored_html("Part one.\n\nPart <b>two</b> &amp; more\nlast")
    assert stored == "Part one.<br><br>Part <b>two</b> &amp; more<br>last"
    assert to_telegram_html(stored) == "Part one.\n\nPart <b>two</b> &amp; more\nlast"
    quoted = to_stored_html("before\n<blockquote>q1\nq2</blockquote>\nafter")
    assert quoted == "before<blockquote>q1<br>q2</blockquote>after"
    assert to_telegram_html(quoted) == "before\n<blockquote>q1\nq2</blockquote>\nafter"
    assert to_stored_html("<pre>a\n b</pre>") == "<pre>a\n b</pre>"


def test_a_long_app_entry_splits_into_valid_messages() -> None:
    content = "".join(
        f"<h3>Day {n}</h3><p>Some <strong>bold</strong> and <em>italic <a "
        f'href="https://example.com/{n}">link</a></em> text.</p><ul><li>item</li></ul>'
        for n in range(400)
    )
    chunks = split_html(to_telegram_html(content))
    assert len(chunks) > 3
    for chunk in chunks:
        check(chunk)
    assert "Day 399" in to_plain(chunks[-1])


# --- properties -----------------------------------------------------------------------

_TAGS = [
    "p",
    "div",
    "br",
    "ul",
    "ol",
    "li",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "strike",
    "del",
    "ins",
    "h1",
    "h3",
    "h6",
    "a",
    "img",
    "blockquote",
    "code",
    "pre",
    "span",
    "tg-spoiler",
    "table",
    "tr",
    "td",
    "script",
    "style",
    "foo",
    "x-y",
    "font",
    "sub",
    "hr",
    "iframe",
    "tg-emoji",
    "kbd",
    "template",
    "title",
    "li",
    "svg",
]
_ATTRS = st.sampled_from(
    [
        "",
        ' href="https://example.com/?a=1&amp;b=2"',
        " href='javascript:alert(1)'",
        " href=/relative",
        ' href="mailto:me@example.com"',
        ' href="tg://user?id=1"',
        ' href="http://"',
        ' class="spoiler"',
        ' class="tg-spoiler"',
        ' class="language-python"',
        ' alt="a &lt;cat&gt;" src="https://example.com/c.png"',
        ' src="data:image/png;base64,AA"',
        " expandable",
        ' start="7"',
        ' emoji-id="5368324170671202286"',
        ' onclick="x()"',
        ' style="color:red"',
    ]
)
_TEXT = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        max_size=30,
    ),
    st.sampled_from(
        [
            "<",
            ">",
            "&",
            "&amp;",
            "&lt;",
            "&#65;",
            "&#x1F600;",
            "&bogus;",
            "&#0;",
            "\n",
            "  ",
            "<3",
            "a<b",
            "]]>",
            "<!--",
            "-->",
            "</",
            "<p",
            '"',
            "'",
            "🙂",
            "e\u0301",
            "\r\n",
        ]
    ),
)


def _element(tag: str, attrs: str, children: list[str], closed: bool) -> str:
    inner = "".join(children)
    return f"<{tag}{attrs}>{inner}" + (f"</{tag}>" if closed else "")


_HTML = st.recursive(
    _TEXT,
    lambda children: st.one_of(
        st.builds(
            _element, st.sampled_from(_TAGS), _ATTRS, st.lists(children, max_size=4), st.booleans()
        ),
        st.lists(children, max_size=4).map("".join),
        st.sampled_from(_TAGS).map(lambda tag: f"</{tag}>"),
    ),
    max_leaves=40,
)


def _assert_valid_messages(telegram: str, limit: int) -> None:
    if not telegram.strip():
        return
    full = check(telegram, limit=len(telegram))
    chunks = split_html(telegram, limit)
    assert chunks
    for chunk in chunks:
        check(chunk, limit=limit)
    # Splitting drops only whitespace at the breaks: every word survives.
    assert "".join("".join(check(c, limit=limit) for c in chunks).split()) == "".join(full.split())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_HTML, st.integers(min_value=300, max_value=4096))
def test_any_markup_becomes_valid_telegram_messages(content: str, limit: int) -> None:
    _assert_valid_messages(to_telegram_html(content), limit)


@settings(max_examples=200, deadline=None)
@given(_HTML)
def test_what_the_bot_stores_is_shown_validly(content: str) -> None:
    stored = to_stored_html(content)
    _assert_valid_messages(to_telegram_html(stored), 4096)
    # The stored fragment is the documented tag set and nothing else.
    assert to_plain(stored).split() == to_plain(content).split()  # nothing written is lost
    for chunk in stored.replace("<br>", "").split("<")[1:]:
        name = chunk.split(">")[0].split(" ")[0].lstrip("/")
        assert name in {"b", "i", "u", "s", "a", "code", "pre", "blockquote", "tg-spoiler"}


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
        max_size=12000,
    ),
    st.integers(min_value=100, max_value=4096),
)
def test_plain_text_keeps_every_word(text: str, limit: int) -> None:
    telegram = to_telegram_html(text)
    _assert_valid_messages(telegram, limit)
    if "<" not in text and "&" not in text:
        assert to_plain(text).split() == text.split()


def test_checker_rejects_what_telegram_rejects() -> None:
    for bad in [
        "<p>x</p>",
        "<b>x",
        "<b><i>x</b></i>",
        "a & b",
        "a < b",
        "<a>x</a>",
        '<a href="https://x">a<a href="https://y">b</a></a>',
        "<code><b>x</b></code>",
        "<blockquote><blockquote>x</blockquote></blockquote>",
        '<span class="x">y</span>',
        "<b> </b>",
        "&nbsp;",
        "x" * 4097,
    ]:
        with pytest.raises(Invalid):
            check(bad)
    check('<b>a</b> <a href="https://x.example/?a=1&amp;b=2">l</a> &lt;&#65;&#x42;')


_NO_TAG_PIECES = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<"),
        max_size=10,
    ),
    st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&#65;", "&copy", "&bogus;", "\r\n"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_NO_TAG_PIECES, max_size=20).map("".join))
@example("&#1")  # a control character: Python's unescape drops it, the parser keeps it
def test_the_shortcut_for_text_without_tags_matches_the_parser(content: str) -> None:
    for br in (False, True):
        assert _convert(content, br=br) == _convert(content, br=br, fast=False)
