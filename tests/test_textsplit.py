from __future__ import annotations

import random
import re
from html.parser import HTMLParser

import pytest

from core.textsplit import (
    TELEGRAM_LIMIT,
    html_to_plain,
    plain_len,
    split_html,
    split_plain,
)

Styled = list[tuple[str, tuple[str, ...]]]


class _Walker(HTMLParser):
    """Records each visible character with the raw opening tags around it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        self.chars: Styled = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append((tag, self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"unexpected </{tag}>"
        assert self.stack[-1][0] == tag, f"</{tag}> closes <{self.stack[-1][0]}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        context = tuple(raw for _, raw in self.stack)
        self.chars.extend((ch, context) for ch in data)


def styled(source: str) -> Styled:
    """Parse ``source``, asserting every tag is closed in order."""
    walker = _Walker()
    walker.feed(source)
    walker.close()
    assert not walker.stack, f"unclosed tags: {walker.stack}"
    return walker.chars


_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")


def check_chunks(source: str, chunks: list[str], limit: int) -> None:
    """Every chunk fits, is valid on its own, and together they keep all text and formatting."""
    expected = styled(source)
    pos = 0
    for chunk in chunks:
        assert 0 < len(chunk) <= limit
        assert chunk.count("&") == len(_ENTITY.findall(chunk)), "entity cut in half"
        got = styled(chunk)
        assert got, "chunk without text"
        assert not got[0][0].isspace() and not got[-1][0].isspace()
        while pos < len(expected) and expected[pos][0].isspace():
            pos += 1  # whitespace at a split point may be dropped
        assert expected[pos : pos + len(got)] == got
        pos += len(got)
    assert all(ch.isspace() for ch, _ in expected[pos:])


def split_points(source_plain: str, chunks: list[str]) -> list[tuple[str, str]]:
    """(text before, text after) each split, in the plain text of the source."""
    points = []
    pos = 0
    for chunk in chunks[:-1]:
        plain = html_to_plain(chunk)
        pos = source_plain.index(plain, pos) + len(plain)
        points.append((source_plain[:pos], source_plain[pos:]))
    return points


# --- generated Telegram HTML -------------------------------------------------------------

_TAGS = [
    ("b", ""),
    ("strong", ""),
    ("i", ""),
    ("em", ""),
    ("u", ""),
    ("ins", ""),
    ("s", ""),
    ("strike", ""),
    ("del", ""),
    ("code", ""),
    ("tg-spoiler", ""),
    ("span", ' class="tg-spoiler"'),
    ("a", ' href="https://example.com/p?a=1&amp;b=&quot;x&quot;"'),
    ("blockquote", ""),
    ("blockquote", " expandable"),
]
_WORDS = [
    "growth", "mindset", "yet", "effort", "learn", "practice", "mistake", "progress",
    "résumé", "naïve", "e\u0301", "日本語", "😀", "👩‍💻", "🇩🇪", "1+1=2",
    "&lt;tag&gt;", "&amp;", "&quot;quoted&quot;", "a&amp;b", "x" * 30,
]  # fmt: skip
_SEPARATORS = [" "] * 12 + ["  ", "\n", "\n\n", "\n\n\n", " \n \n", "\t"]
_ENDINGS = [".", "!", "?", "…", '."', ","]


def _text(rng: random.Random, words: int) -> str:
    parts = []
    for _ in range(words):
        parts.append(rng.choice(_WORDS))
        if rng.random() < 0.15:
            parts.append(rng.choice(_ENDINGS))
        parts.append(rng.choice(_SEPARATORS))
    return "".join(parts)


def _fragment(rng: random.Random, depth: int, size: int) -> str:
    out: list[str] = []
    while sum(map(len, out)) < size:
        roll = rng.random()
        if depth > 0 and roll < 0.3:
            name, attrs = rng.choice(_TAGS)
            inner = _fragment(rng, depth - 1, rng.randrange(1, max(2, size // 3)))
            out.append(f"<{name}{attrs}>{inner}</{name}>")
        elif roll < 0.35:
            code = _text(rng, rng.randrange(1, 15)).replace("\n\n", "\n    ")
            out.append(f'<pre><code class="language-python">{code}</code></pre>')
        elif roll < 0.38:
            out.append(f"<pre>{_text(rng, 5)}</pre>")
        else:
            out.append(_text(rng, rng.randrange(1, 30)))
    return "".join(out)


def random_html(rng: random.Random, size: int, depth: int = 4) -> str:
    return _fragment(rng, depth, size)


# --- properties on generated input -------------------------------------------------------


def test_generated_inputs_are_valid_html() -> None:
    # Guards the generator itself, so the property tests compare against real markup.
    rng = random.Random(0)
    for _ in range(50):
        source = random_html(rng, 2000)
        assert styled(source)


@pytest.mark.parametrize("seed", range(40))
def test_random_html_small_limits(seed: int) -> None:
    rng = random.Random(seed)
    source = random_html(rng, rng.randrange(200, 3000))
    limit = rng.randrange(320, 900)  # room for four nested long tags plus text
    chunks = split_html(source, limit)
    check_chunks(source, chunks, limit)
    if len(source) > limit:
        assert len(chunks) > 1


@pytest.mark.parametrize("seed", range(10))
def test_random_html_twenty_thousand_chars(seed: int) -> None:
    rng = random.Random(1000 + seed)
    source = random_html(rng, 20_000)
    assert len(source) >= 20_000
    chunks = split_html(source)
    check_chunks(source, chunks, TELEGRAM_LIMIT)
    # Not wastefully small: splitting stays close to the minimum number of messages.
    assert len(chunks) <= 2 * (len(source) // TELEGRAM_LIMIT + 1)


@pytest.mark.parametrize("seed", range(30))
def test_split_inside_a_word_only_when_the_chunk_has_no_space(seed: int) -> None:
    rng = random.Random(2000 + seed)
    source = random_html(rng, rng.randrange(500, 4000), depth=2)
    limit = rng.randrange(200, 600)
    chunks = split_html(source, limit)
    check_chunks(source, chunks, limit)
    for chunk, (before, after) in zip(
        chunks, split_points(html_to_plain(source), chunks), strict=False
    ):
        if before[-1:].strip() and after[:1].strip():
            assert not any(ch.isspace() for ch in html_to_plain(chunk)), chunk


@pytest.mark.parametrize("seed", range(20))
def test_random_plain_text(seed: int) -> None:
    rng = random.Random(3000 + seed)
    text = html_to_plain(_text(rng, rng.randrange(10, 3000)))
    limit = rng.randrange(20, 500)
    chunks = split_plain(text, limit)
    assert all(0 < len(chunk) <= limit for chunk in chunks)
    pos = 0
    for chunk in chunks:
        assert chunk == chunk.strip()
        start = text.index(chunk, pos)
        assert not text[pos:start].strip(), "text was dropped"
        pos = start + len(chunk)
    assert not text[pos:].strip()


# --- specific behaviour -------------------------------------------------------------------


def test_empty_and_blank_input() -> None:
    assert split_html("") == []
    assert split_plain("") == []
    assert split_html(" \n\n ") == []
    assert split_html("<b> </b>") == []


def test_short_message_is_untouched() -> None:
    source = '<b>Hi</b> <a href="https://e.com/?a=1&amp;b=2">there</a> &lt;3\n\nBye'
    assert split_html(source) == [source]
    assert split_plain("a < b & c") == ["a < b & c"]


def test_exact_limit_fits_in_one_chunk() -> None:
    source = "<b>" + "x" * 93 + "</b>"
    assert split_html(source, 100) == [source]
    assert len(split_html(source + "y", 100)) == 2


def test_single_ten_thousand_char_word() -> None:
    word = "a" * 10_000
    chunks = split_plain(word)
    assert [len(c) for c in chunks] == [4096, 4096, 1808]
    assert "".join(chunks) == word


def test_long_bold_word_is_rewrapped_in_every_chunk() -> None:
    chunks = split_html("<b>" + "z" * 50 + "</b>", 20)
    assert all(c.startswith("<b>") and c.endswith("</b>") for c in chunks)
    assert "".join(html_to_plain(c) for c in chunks) == "z" * 50
    assert all(len(c) <= 20 for c in chunks)


def test_prefers_paragraph_break() -> None:
    first = "First paragraph. It has two sentences"
    second = "Second one.\nWith a line break and more words"
    chunks = split_plain(f"{first}\n\n{second}", 70)
    assert chunks == [first, second]


def test_prefers_line_break_over_sentence_end() -> None:
    text = "One line. Still the first line\nSecond line is here. More words follow"
    assert split_plain(text, 45)[0] == "One line. Still the first line"


def test_prefers_sentence_end_over_space() -> None:
    text = "A first sentence here. A second sentence that keeps going on and on"
    assert split_plain(text, 40)[0] == "A first sentence here."


def test_sentence_end_with_closing_quote() -> None:
    text = 'She said "I can do it." Then we went on walking for a long while'
    assert split_plain(text, 40)[0] == 'She said "I can do it."'


def test_prefers_space_over_cutting_a_word() -> None:
    chunks = split_plain("alpha beta gamma delta epsilon", 12)
    assert chunks == ["alpha beta", "gamma delta", "epsilon"]


def test_tiny_early_paragraph_does_not_make_a_tiny_chunk() -> None:
    text = "Hi\n\n" + "word " * 30
    chunks = split_plain(text, 60)
    assert len(chunks[0]) > 30


def test_attributes_are_reopened_verbatim() -> None:
    open_tag = '<a href="https://example.com/?q=1&amp;r=&quot;2&quot;">'
    source = f"{open_tag}{'link text ' * 20}</a>"
    chunks = split_html(source, 100)
    assert len(chunks) > 2
    assert all(c.startswith(open_tag) and c.endswith("</a>") for c in chunks)
    check_chunks(source, chunks, 100)


@pytest.mark.parametrize(
    "source",
    [
        "<blockquote expandable>" + "Quoted words go here. " * 20 + "</blockquote>",
        '<span class="tg-spoiler">' + "secret " * 40 + "</span>",
        "<tg-spoiler>" + "hidden " * 40 + "</tg-spoiler>",
        '<pre><code class="language-python">' + "x = 1\n" * 40 + "</code></pre>",
        "<b>bold <i>both <u>all three " + "deep " * 40 + "</u> two</i> one</b> none",
        "<s>a</s><del>b</del><strike>c</strike><ins>d</ins><em>e</em><strong>f</strong> " * 10,
    ],
)
def test_telegram_tags_survive_splitting(source: str) -> None:
    chunks = split_html(source, 120)
    assert len(chunks) > 1
    check_chunks(source, chunks, 120)


def test_nested_tags_closed_and_reopened_in_order() -> None:
    source = "<b>bold <i>italic " + "word " * 20 + "</i></b>"
    chunks = split_html(source, 50)
    assert chunks[0].endswith("</i></b>")
    assert chunks[1].startswith("<b><i>")
    check_chunks(source, chunks, 50)


def test_entities_are_never_cut() -> None:
    source = "&amp;&lt;&gt;&quot;" * 50
    for limit in range(6, 40):  # the longest entity, &quot;, is six characters
        chunks = split_html(source, limit)
        check_chunks(source, chunks, limit)


def test_emoji_and_combining_marks_stay_whole() -> None:
    text = "👩‍💻" * 30 + "e\u0301" * 30 + "🇩🇪" * 30 + "👍🏽" * 30
    for limit in (7, 10, 64):
        chunks = split_plain(text, limit)
        assert "".join(chunks) == text
        assert all(len(c) <= limit for c in chunks)
        # No chunk starts with an accent, joiner or skin tone, and flags stay in pairs.
        assert not any(c[0] in "\u0301\u200d\U0001f3fd" or c[-1] == "\u200d" for c in chunks)
        assert all(sum("\U0001f1e6" <= ch <= "\U0001f1ff" for ch in c) % 2 == 0 for c in chunks)


def test_a_grapheme_longer_than_the_limit_is_still_split() -> None:
    text = "e" + "\u0301" * 20
    assert "".join(split_plain(text, 8)) == text


def test_no_empty_formatting_left_at_a_split() -> None:
    source = "word " * 15 + "<b>bold</b> " + "word " * 15
    for limit in range(30, 90):
        for chunk in split_html(source, limit):
            assert "<b></b>" not in chunk


def test_limit_too_small_for_markup_raises() -> None:
    with pytest.raises(ValueError):
        split_html('<a href="https://example.com/a/very/long/path">text</a>', 30)


@pytest.mark.parametrize(
    "source",
    [
        "1 < 2 & 3 > 2 <b>bold</i> end</b> and more words here",  # stray close
        "<b>bold <i>both</b> after the mess, " + "text " * 10,  # mis-nested
        "<b>never closed <i>at all " + "text " * 10,
    ],
)
def test_malformed_input_keeps_its_text_and_gives_valid_chunks(source: str) -> None:
    for limit in (20, 35, 200):
        chunks = split_html(source, limit)
        assert all(len(c) <= limit for c in chunks)
        for chunk in chunks:
            styled(chunk)  # balanced
        joined = "".join(html_to_plain(c) for c in chunks)
        assert joined.replace(" ", "") == html_to_plain(source).replace(" ", "")


def test_html_to_plain_and_plain_len() -> None:
    assert html_to_plain("1 < 2 & 3 > 2 <b>x</i></b>") == "1 < 2 & 3 > 2 x"
    source = '<b>a &lt;b&gt;</b> &amp;amp; &quot;q&quot; &#39;&#x1F600; <a href="x">l</a>'
    assert html_to_plain(source) == 'a <b> &amp; "q" \'😀 l'
    assert plain_len(source) == len('a <b> &amp; "q" \'😀 l')
    assert html_to_plain("") == ""
