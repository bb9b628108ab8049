"""Users, passwords, sessions and which Telegram account is linked to which user."""

from __future__ import annotations

import hmac
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import bcrypt
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Select,
    and_,
    any_,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc_now
from core.i18n import LANGUAGES
from db.errors import InvalidInput
from db.models import (
    DialogState,
    Journal,
    KnownLogin,
    Session,
    TelegramAccount,
    User,
    UserInfo,
    UserSettings,
)
from db.prepared import Driver, Prepared
from db.profile import usable_timezone

BCRYPT_ROUNDS = 12
DEFAULT_JOURNAL_TITLE = "My Journal"
# Renewing on every message would write a row per message; once an hour is "on use".
SESSION_RENEW_AFTER = timedelta(hours=1)
# A dialog left unanswered this long is forgotten: the next message is journal text.
DIALOG_TTL = timedelta(hours=24)


class EmailTaken(Exception):
    """An account with this email already exists."""


def normalize_email(email: str) -> str:
    """The key failed logins are counted under: one per address, whatever its case."""
    return email.strip().lower()


# bcryptjs (the other app) reads the first 72 bytes of the UTF-8 password, cutting a
# character in two if need be; bcrypt 5 raises instead, so the bot cuts first.
BCRYPT_MAX_BYTES = 72
# Revisions bcryptjs writes and reads; for passwords of at most 72 bytes they are the
# same algorithm ($2x$, the buggy one, is neither written nor read by bcryptjs).
BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")
BCRYPT_SALT_END = 29  # "$2b$" + "NN$" + 22 salt characters


def bcrypt_bytes(password: str) -> bytes:
    """What bcryptjs hashes of a password (lone surrogates encoded, never an error)."""
    return password.encode("utf-8", "surrogatepass")[:BCRYPT_MAX_BYTES]


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """bcrypt hash as bcryptjs verifies it (slow on purpose: call it from a worker
    thread). ``salt`` only for fixtures that must be reproducible."""
    salt = salt or bcrypt.gensalt(BCRYPT_ROUNDS, prefix=b"2b")
    return bcrypt.hashpw(bcrypt_bytes(password), salt).decode()


def verify_password(password: str, password_hash: str) -> bool:
    """Check a password exactly as bcryptjs ``compare`` does, for $2a$, $2b$ and $2y$."""
    if (
        len(password_hash) != 60
        or not password_hash.isascii()
        or password_hash[:4] not in BCRYPT_PREFIXES
    ):
        return False  # a hash we cannot read (another scheme): never a match
    salt = ("$2b$" + password_hash[4:BCRYPT_SALT_END]).encode()
    try:
        computed = bcrypt.hashpw(bcrypt_bytes(password), salt)
    except ValueError:
        return False
    return hmac.compare_digest(computed[BCRYPT_SALT_END:], password_hash[BCRYPT_SALT_END:].encode())


def _same_email(email: str) -> ColumnElement[bool]:
    """Matches the address in any case; uses the bot's index on lower(email)."""
    return func.lower(User.email) == func.lower(email.strip())


async def find_users_by_email(s: AsyncSession, email: str) -> list[User]:
    """Users whose address equals ``email`` ignoring case: the exact spelling first
    (the other app may hold addresses that differ only in case), then the oldest."""
    email = email.strip()
    result = await s.execute(
        select(User)
        .where(_same_email(email))
        .order_by((User.email == email).desc(), User.created_at, User.id)
        .limit(3)
    )
    return list(result.scalars())


async def get_user_by_email(s: AsyncSession, email: str) -> User | None:
    users = await find_users_by_email(s, email)
    return users[0] if users else None


async def create_user(
    s: AsyncSession,
    *,
    email: str,
    password_hash: str,
    first_name: str,
    last_name: str,
    timezone: str = "UTC",
) -> User:
    """A user with default settings, a profile and a first journal.

    The address is stored as typed and refused when it differs from a taken one only in
    case. The transaction lock on the lower-cased address makes two sign-ups of the same
    address in other letters wait for each other (the index on lower(email) cannot be
    unique: the other app may already hold such pairs).
    """
    email = email.strip()
    await s.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(func.lower(email), 0))))
    if await s.scalar(select(User.id).where(_same_email(email)).limit(1)) is not None:
        raise EmailTaken(email)
    inserted = await s.execute(
        insert(User)
        .values(email=email, password_hash=password_hash)
        .on_conflict_do_nothing(index_elements=[User.email])
        .returning(User.id)
    )
    user_id = inserted.scalar_one_or_none()
    if user_id is None:
        raise EmailTaken(email)
    s.add(UserSettings(user_id=user_id))
    s.add(UserInfo(user_id=user_id, first_name=first_name, last_name=last_name, timezone=timezone))
    s.add(Journal(user_id=user_id, title=DEFAULT_JOURNAL_TITLE))
    await s.flush()
    user = await s.get(User, user_id)
    assert user is not None
    return user


# --- sessions and Telegram links ---------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A Telegram account and, when logged in, its user and session."""

    telegram_user_id: int
    chat_id: int
    user_id: uuid.UUID | None
    session_id: uuid.UUID | None
    session_expires_at: datetime | None
    active_journal_id: uuid.UUID | None
    timezone: str
    # Title of the active journal when it still exists and is the user's.
    active_journal_title: str | None = None
    # Name of the dialog the account is in (fresh ones only), so the text router needs
    # no second query for the common case of no dialog.
    dialog: str | None = None
    # The language chosen with /language (None: follow Telegram's for each update).
    language: str | None = None
    # The language Telegram last reported, as stored (reminders and the search trigger
    # read it where no update is at hand).
    language_code: str | None = None

    @property
    def logged_in(self) -> bool:
        return self.user_id is not None and self.session_id is not None and not self.expired

    @property
    def expired(self) -> bool:
        """Was logged in, but the session ran out (or was removed elsewhere)."""
        if self.user_id is None:
            return False
        return self.session_expires_at is None or self.session_expires_at <= utc_now()


def _links_statement() -> Select[*tuple[Any, ...]]:
    ids = bindparam("ids", type_=ARRAY(BigInteger))
    fresh_dialog = and_(
        DialogState.telegram_user_id == TelegramAccount.telegram_user_id,
        DialogState.updated_at > bindparam("dialogs_since", type_=DateTime),
    )
    return (
        select(
            TelegramAccount.telegram_user_id,
            TelegramAccount.chat_id,
            TelegramAccount.user_id,
            TelegramAccount.session_id,
            TelegramAccount.active_journal_id,
            Session.expires_at.label("session_expires_at"),
            UserInfo.timezone,
            DialogState.name.label("dialog"),
            Journal.title.label("active_journal_title"),
            TelegramAccount.language,
            TelegramAccount.language_code,
        )
        .outerjoin(Session, Session.id == TelegramAccount.session_id)
        .outerjoin(UserInfo, UserInfo.user_id == TelegramAccount.user_id)
        .outerjoin(DialogState, fresh_dialog)
        .outerjoin(
            Journal,
            and_(
                Journal.id == TelegramAccount.active_journal_id,
                Journal.user_id == TelegramAccount.user_id,
            ),
        )
        .where(TelegramAccount.telegram_user_id == any_(ids))
    )


_LINKS = _links_statement()
_PREPARED_LINKS = Prepared(_LINKS)


def _link_of(row: Any) -> Link:
    """A row of ``_LINKS``: an asyncpg record or a SQLAlchemy row mapping."""
    return Link(
        telegram_user_id=row["telegram_user_id"],
        chat_id=row["chat_id"],
        user_id=row["user_id"],
        session_id=row["session_id"],
        session_expires_at=row["session_expires_at"],
        active_journal_id=row["active_journal_id"],
        timezone=usable_timezone(row["timezone"]),
        active_journal_title=row["active_journal_title"],
        dialog=row["dialog"],
        language=row["language"] if row["language"] in LANGUAGES else None,
        language_code=row["language_code"],
    )


async def get_link(s: AsyncSession, telegram_user_id: int) -> Link | None:
    rows = await s.execute(
        _LINKS, {"ids": [telegram_user_id], "dialogs_since": utc_now() - DIALOG_TTL}
    )
    row = rows.mappings().first()
    return None if row is None else _link_of(row)


async def get_links(driver: Driver, telegram_user_ids: Sequence[int]) -> dict[int, Link]:
    """The links of several Telegram accounts in one prepared statement (unknown
    accounts are absent): the first query of every update."""
    rows = await _PREPARED_LINKS.fetch(
        driver, ids=list(set(telegram_user_ids)), dialogs_since=utc_now() - DIALOG_TTL
    )
    return {row["telegram_user_id"]: _link_of(row) for row in rows}


async def touch_account(
    s: AsyncSession,
    telegram_user_id: int,
    chat_id: int,
    *,
    first_name: str | None = None,
    language_code: str | None = None,
) -> None:
    """Remember a Telegram account the first time it talks to the bot."""
    await s.execute(
        insert(TelegramAccount)
        .values(
            telegram_user_id=telegram_user_id,
            chat_id=chat_id,
            first_name=first_name,
            language_code=language_code,
        )
        .on_conflict_do_update(
            index_elements=[TelegramAccount.telegram_user_id],
            set_={"chat_id": chat_id, "first_name": first_name, "language_code": language_code},
        )
    )


async def note_language_code(s: AsyncSession, telegram_user_id: int, code: str) -> None:
    """Telegram now reports ``code`` for this account (the user changed their app's language)."""
    await s.execute(
        update(TelegramAccount)
        .where(TelegramAccount.telegram_user_id == telegram_user_id)
        .values(language_code=code)
    )


async def set_language(s: AsyncSession, telegram_user_id: int, chat_id: int, code: str) -> None:
    """The language this Telegram account chose with /language (kept across Telegram's own)."""
    if code not in LANGUAGES:
        raise InvalidInput("That language isn't available.")
    await s.execute(
        insert(TelegramAccount)
        .values(telegram_user_id=telegram_user_id, chat_id=chat_id, language=code)
        .on_conflict_do_update(
            index_elements=[TelegramAccount.telegram_user_id], set_={"language": code}
        )
    )


async def start_session(
    s: AsyncSession, *, user_id: uuid.UUID, telegram_user_id: int, chat_id: int, days: int
) -> Session:
    """A new session row with a random token, linked to this Telegram account.

    A previous session of this account (possibly another user's) is ended first, so
    the account is linked to one user at a time.
    """
    await end_session(s, telegram_user_id)
    session = Session(
        user_id=user_id,
        token=secrets.token_urlsafe(32),
        expires_at=utc_now() + timedelta(days=days),
    )
    s.add(session)
    await s.flush()
    first_journal = await s.scalar(
        select(Journal.id)
        .where(Journal.user_id == user_id)
        .order_by(Journal.created_at, Journal.id)
        .limit(1)
    )
    await s.execute(
        insert(TelegramAccount)
        .values(
            telegram_user_id=telegram_user_id,
            chat_id=chat_id,
            user_id=user_id,
            session_id=session.id,
            active_journal_id=first_journal,
        )
        .on_conflict_do_update(
            index_elements=[TelegramAccount.telegram_user_id],
            set_={
                "chat_id": chat_id,
                "user_id": user_id,
                "session_id": session.id,
                "active_journal_id": first_journal,
                "updated_at": func.now(),
            },
        )
    )
    return session


def needs_renewal(link: Link, *, days: int) -> bool:
    """True once the session has aged SESSION_RENEW_AFTER: saves a write per message."""
    if not link.logged_in or link.session_expires_at is None:
        return False
    return link.session_expires_at < utc_now() + timedelta(days=days) - SESSION_RENEW_AFTER


async def renew_sessions(s: AsyncSession, session_ids: Sequence[uuid.UUID], *, days: int) -> None:
    """Slide the expiry forward on use (at most one write an hour)."""
    now = utc_now()
    await s.execute(
        update(Session)
        .where(
            Session.id.in_(list(session_ids)),
            Session.expires_at > now,
            Session.updated_at < now - SESSION_RENEW_AFTER,
        )
        .values(expires_at=now + timedelta(days=days), updated_at=now)
    )


async def end_session(s: AsyncSession, telegram_user_id: int) -> bool:
    """Log this Telegram account out; True if it was linked to a user."""
    account = await s.get(TelegramAccount, telegram_user_id, with_for_update=True)
    if account is None or account.user_id is None:
        return False
    session_id = account.session_id
    account.user_id = None
    account.session_id = None
    account.active_journal_id = None
    await s.flush()
    if session_id is not None:
        await s.execute(delete(Session).where(Session.id == session_id))
    return True


async def set_active_journal(s: AsyncSession, telegram_user_id: int, journal_id: uuid.UUID) -> None:
    await s.execute(
        update(TelegramAccount)
        .where(TelegramAccount.telegram_user_id == telegram_user_id)
        .values(active_journal_id=journal_id)
    )


async def linked_chats(s: AsyncSession, user_id: uuid.UUID) -> list[int]:
    """Chats of every Telegram account logged in to this user (for reminders)."""
    rows = await s.execute(
        select(TelegramAccount.chat_id)
        .join(Session, Session.id == TelegramAccount.session_id)
        .where(TelegramAccount.user_id == user_id, Session.expires_at > utc_now())
    )
    return list(rows.scalars())


async def last_user(s: AsyncSession, telegram_user_id: int) -> uuid.UUID | None:
    """The user this Telegram account logged in to last (None: never, or only to users
    that are gone)."""
    return await s.scalar(
        select(KnownLogin.user_id)
        .where(KnownLogin.telegram_user_id == telegram_user_id)
        .order_by(KnownLogin.last_login_at.desc())
        .limit(1)
    )
