"""Reminder emails go out over TLS: implicit TLS or required STARTTLS against a real
SMTP server (aiosmtpd) with a test certificate; plaintext only when explicitly allowed."""

from __future__ import annotations

import logging
import ssl
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pydantic import SecretStr

from bot.app import build_application
from bot.config import Settings
from bot.reminders import ReminderDispatcher, smtp_transport
from tests.harness import BotHarness, settings_for
from tests.test_e2e_reminders import NOW, Inbox, free_port, reminder_user

TG = 7400
PASSWORD = "smtp-pa55word-never-in-clear"


@dataclass
class Logins:
    """What the server's AUTH saw: the password and whether the link was encrypted."""

    seen: list[tuple[str, bool]] = field(default_factory=list)

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        encrypted = session.ssl is not None or (
            server.transport is not None and server.transport.get_extra_info("sslcontext")
        )
        self.seen.append((auth_data.password.decode(), bool(encrypted)))
        return AuthResult(success=auth_data.password.decode() == PASSWORD)


@dataclass
class MailServer:
    inbox: Inbox
    logins: Logins
    port: int


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def _server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture
def mail_server(request: pytest.FixtureRequest, ca: trustme.CA) -> Iterator[MailServer]:
    """``plain``, ``starttls`` or ``implicit``, chosen by indirect parametrisation."""
    mode = request.param
    inbox, logins, port = Inbox(), Logins(), free_port()
    # aiosmtpd's auth_require_tls knows only STARTTLS; Logins records encryption itself.
    options: dict[str, Any] = {"authenticator": logins, "auth_require_tls": mode == "starttls"}
    if mode == "starttls":
        options |= {"tls_context": _server_context(ca), "require_starttls": True}
    elif mode == "implicit":
        options["ssl_context"] = _server_context(ca)
    server = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    server.start()
    try:
        yield MailServer(inbox, logins, port)
    finally:
        server.stop()


@pytest.fixture
async def email_user(bot: BotHarness) -> AsyncIterator[None]:
    await reminder_user(bot, TG, emailNotifications=True)
    yield


async def _send(bot: BotHarness, **smtp: Any) -> tuple[int, int]:
    settings = bot.app.bot_data["services"].settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_username": "journal",
            "smtp_password": SecretStr(PASSWORD),
            **smtp,
        }
    )
    stats = await ReminderDispatcher(bot.app.bot, bot.db.sessions, settings).run_once(now=NOW)
    return stats.emailed, stats.email_failed


def test_default_is_starttls_and_465_is_implicit_tls() -> None:
    base = Settings(_env_file=None, smtp_host="mail.example.org")  # type: ignore[call-arg]
    assert smtp_transport(base) == {"use_tls": False, "start_tls": True}
    on_465 = base.model_copy(update={"smtp_port": 465})
    assert smtp_transport(on_465) == {"use_tls": True}
    # Allowing plaintext does not weaken an implicit-TLS port.
    assert smtp_transport(on_465.model_copy(update={"smtp_allow_insecure": True})) == {
        "use_tls": True
    }


@pytest.mark.parametrize("mail_server", ["starttls"], indirect=True)
async def test_starttls_by_default(
    bot: BotHarness, email_user: None, mail_server: MailServer, ca_file: Path
) -> None:
    sent = await _send(bot, smtp_port=mail_server.port, smtp_ca_file=ca_file)
    assert sent == (1, 0)
    assert mail_server.logins.seen == [(PASSWORD, True)]
    assert len(mail_server.inbox.received) == 1


@pytest.mark.parametrize("mail_server", ["implicit"], indirect=True)
async def test_implicit_tls(
    bot: BotHarness, email_user: None, mail_server: MailServer, ca_file: Path
) -> None:
    sent = await _send(
        bot, smtp_port=mail_server.port, smtp_implicit_tls=True, smtp_ca_file=ca_file
    )
    assert sent == (1, 0)
    assert mail_server.logins.seen == [(PASSWORD, True)]


@pytest.mark.parametrize("mail_server", ["starttls"], indirect=True)
async def test_an_untrusted_certificate_is_refused(
    bot: BotHarness, email_user: None, mail_server: MailServer
) -> None:
    assert await _send(bot, smtp_port=mail_server.port) == (0, 1)
    assert mail_server.logins.seen == []
    assert mail_server.inbox.received == []


@pytest.mark.parametrize("mail_server", ["plain"], indirect=True)
async def test_a_server_without_tls_never_gets_the_password(
    bot: BotHarness, email_user: None, mail_server: MailServer
) -> None:
    assert await _send(bot, smtp_port=mail_server.port) == (0, 1)
    assert mail_server.logins.seen == []
    assert mail_server.inbox.received == []


@pytest.mark.parametrize("mail_server", ["plain"], indirect=True)
async def test_plaintext_only_when_explicitly_allowed_and_warned_about(
    bot: BotHarness,
    email_user: None,
    mail_server: MailServer,
    database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    overrides = {"smtp_host": "127.0.0.1", "smtp_port": mail_server.port}
    build_application(settings_for(bot.fake, database_url, **overrides), bot.db)
    assert "SMTP_ALLOW_INSECURE" not in caplog.text
    insecure = {**overrides, "smtp_allow_insecure": True}
    build_application(settings_for(bot.fake, database_url, **insecure), bot.db)
    assert "unencrypted" in caplog.text and "SMTP_ALLOW_INSECURE=true" in caplog.text

    assert await _send(bot, smtp_port=mail_server.port, smtp_allow_insecure=True) == (1, 0)
    assert mail_server.logins.seen == [(PASSWORD, False)]


class Rejecting(Inbox):
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        return f"550 5.1.1 <{address}>: Recipient address rejected"


async def test_a_rejected_address_is_not_quoted_in_the_log(
    bot: BotHarness, email_user: None, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    server = Controller(
        Rejecting(), hostname="127.0.0.1", port=port, authenticator=Logins(), auth_require_tls=False
    )
    server.start()
    try:
        caplog.set_level(logging.INFO)
        assert await _send(bot, smtp_port=port, smtp_allow_insecure=True) == (0, 1)
    finally:
        server.stop()
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))
    assert "SMTP 550" in ours
    assert f"user{TG}@example.com" not in ours
