"""Export (JSON-ready dict and Markdown) and deleting all of a user's data."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import ColumnElement, func, select

from core.exporting import export_markdown
from core.richtext import to_markdown
from core.vocab import GoalSource
from db import export
from db.database import Database
from db.entries import link_message
from db.errors import NotFound
from db.goals import accept_goal, create_goal
from db.metrics import record_metric
from db.models import (
    Base,
    Entry,
    EntryMessage,
    Goal,
    Journal,
    LoginAttempt,
    Metric,
    ReminderSchedule,
    Session,
    TelegramAccount,
    User,
    UserInfo,
    UserSettings,
)
from db.settings import update_setting
from tests.factories import make_entry, make_journal, make_user

T0 = datetime(2024, 3, 10, 23, 30)
HASH = "$2b$12$averysecretbcrypthashvalue"


async def _populate(db: Database, email: str, telegram_id: int) -> uuid.UUID:
    """A user with something in every table that can hold their data."""
    async with db.sessions.begin() as s:
        user_id = await make_user(s, email=email, timezone="Asia/Tokyo")
        user = await s.get(User, user_id)
        assert user is not None
        user.password_hash = HASH
        journal = await make_journal(s, user_id, "Daily <Notes>")
        first = await make_entry(s, journal.id, "<b>Big</b> win &amp; a <i>small</i> one", T0)
        await make_entry(s, journal.id, "second", T0 + timedelta(days=1))
        await make_journal(s, user_id, "Empty")
        await link_message(s, first.id, chat_id=telegram_id, message_id=1)
        suggested = await create_goal(
            s, user_id, "Celebrate wins", source=GoalSource.AI_GENERATED, journal_entry_id=first.id
        )
        await accept_goal(s, user_id, suggested.id)
        await create_goal(s, user_id, "Sleep earlier", source=GoalSource.USER_CREATED)
        await record_metric(s, user_id, "effort", 8, "good | day", at=T0)
        await update_setting(s, user_id, "theme_preferences", "darkMode", True)
        session_row = Session(user_id=user_id, token=f"tok-{email}", expires_at=T0)
        s.add(session_row)
        s.add(ReminderSchedule(user_id=user_id, next_at=T0))
        s.add(LoginAttempt(telegram_user_id=telegram_id, email=email.upper()))
        await s.flush()
        s.add(
            TelegramAccount(
                telegram_user_id=telegram_id,
                chat_id=telegram_id,
                user_id=user_id,
                session_id=session_row.id,
                active_journal_id=journal.id,
                first_name="Tg",
            )
        )
    return user_id


async def test_export_has_everything_but_secrets(db: Database) -> None:
    alice = await _populate(db, "alice@example.com", 1)
    await _populate(db, "bob@example.com", 2)
    async with db.sessions() as s:
        data = await export.export_user_data(s, alice)
    dumped = json.dumps(data)  # must be JSON-serialisable as it is
    assert HASH not in dumped and "password" not in dumped
    assert "tok-alice" not in dumped and "bob@example.com" not in dumped
    assert data["user"]["email"] == "alice@example.com"
    assert data["profile"]["timezone"] == "Asia/Tokyo"
    assert data["settings"]["theme_preferences"]["darkMode"] is True
    assert [j["title"] for j in data["journals"]] == ["Daily <Notes>", "Empty"]
    daily = data["journals"][0]
    assert [e["content"] for e in daily["entries"]] == [
        "<b>Big</b> win &amp; a <i>small</i> one",
        "second",
    ]
    assert daily["entries"][0]["created_at"] == "2024-03-10T23:30:00Z"
    assert datetime.fromisoformat(daily["entries"][0]["created_at"]) == T0.replace(tzinfo=UTC)
    assert sorted((g["content"], g["state"]) for g in data["goals"]) == [
        ("Celebrate wins", "accepted"),
        ("Sleep earlier", "accepted"),
    ]
    assert [(m["type"], m["value"]) for m in data["metrics"]] == [("effort", "8")]
    assert [a["telegram_user_id"] for a in data["telegram_accounts"]] == [1]


async def test_export_of_a_missing_user_is_not_found(db: Database) -> None:
    async with db.sessions() as s:
        with pytest.raises(NotFound):
            await export.export_user_data(s, uuid.uuid4())


async def test_markdown_lists_every_journal_and_entry_in_local_time(db: Database) -> None:
    alice = await _populate(db, "alice@example.com", 1)
    async with db.sessions() as s:
        markdown = export_markdown(await export.export_user_data(s, alice), "Asia/Tokyo")
    assert markdown.startswith("# Growth Journal export\n")
    assert "## Daily <Notes>\n" in markdown and "## Empty\n" in markdown
    # 23:30 UTC on 10 March is 08:30 on 11 March in Tokyo.
    assert "### 2024-03-11 08:30\n\n**Big** win & a *small* one\n" in markdown
    assert "### 2024-03-12 08:30\n\nsecond\n" in markdown
    assert "_2 entries_" in markdown and "_0 entries_" in markdown
    assert "- Celebrate wins (accepted)" in markdown
    assert "| 2024-03-11 08:30 | effort | 8 | good \\| day |" in markdown


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<b>bold</b> and <strong>strong</strong>", "**bold** and **strong**"),
        ("<i>it</i> <em>em</em>", "*it* *em*"),
        (
            'see <a href="https://example.com/a?b=1&amp;c=2">the site</a>',
            "see [the site](https://example.com/a?b=1&c=2)",
        ),
        ("run <code>ls -la</code>", "run `ls -la`"),
        ("<u>under</u> <s>strike</s> <tg-spoiler>spoiler</tg-spoiler>", "under ~~strike~~ spoiler"),
        ("1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;q&quot;", '1 < 2 && 3 > 2 "q"'),
        ("<b>bold </b>word", "**bold** word"),
        ("<b><i>both</i></b>", "***both***"),
        ("<b>unclosed", "**unclosed**"),
        ("<pre><code>x = 1\ny = 2</code></pre>", "```\nx = 1\ny = 2\n```"),
        ("<b></b>empty", "empty"),
        # The web app's editor, converted as for Telegram
        ("<h2>Plan</h2><ul><li>one</li><li>two</li></ul>", "**Plan**  \n• one  \n• two"),
        ("<p>first</p><p></p><p>a_b *c*</p>", "first  \n  \na\\_b \\*c\\*"),
        # Plain text and the bot's own line breaks
        ("I <3 you & me\nline", "I <3 you & me  \nline"),
    ],
)
def test_html_to_markdown(html: str, markdown: str) -> None:
    assert to_markdown(html) == markdown


async def _count(db: Database, model: type[Base], *where: ColumnElement[bool]) -> int:
    async with db.sessions() as s:
        return await s.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def test_delete_user_data_removes_everything_of_the_user_only(db: Database) -> None:
    alice = await _populate(db, "alice@example.com", 1)
    bob = await _populate(db, "bob@example.com", 2)
    async with db.sessions() as s:
        bob_before = await export.export_user_data(s, bob)

    async with db.sessions.begin() as s:
        await export.delete_user_data(s, alice)

    assert await _count(db, User, User.id == alice) == 0
    for model in (Journal, Goal, Metric, UserSettings, UserInfo, Session, ReminderSchedule):
        assert await _count(db, model, model.user_id == alice) == 0, model
    assert await _count(db, LoginAttempt, LoginAttempt.telegram_user_id == 1) == 0
    # Only Bob's entries and message links are left.
    assert await _count(db, Entry) == 2
    assert await _count(db, EntryMessage) == 1
    async with db.sessions() as s:
        account = await s.get(TelegramAccount, 1)
        assert account is not None
        assert (account.user_id, account.session_id, account.active_journal_id) == (None,) * 3
        bobs_account = await s.get(TelegramAccount, 2)
        assert bobs_account is not None and bobs_account.user_id == bob
        assert bobs_account.session_id is not None and bobs_account.active_journal_id is not None
        bob_after = await export.export_user_data(s, bob)
    bob_before.pop("exported_at")
    bob_after.pop("exported_at")
    assert bob_after == bob_before
    assert await _count(db, LoginAttempt) == 1
