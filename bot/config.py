"""Settings from the environment and an optional ``.env`` file."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{5,}$")


def external_host(url: str) -> str:
    """The host a URL sends to, as users are shown it and consent is stored."""
    parsed = urlsplit(url.strip())
    host = (parsed.hostname or "").lower()
    return f"[{host}]" if ":" in host else host


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = Field(default=None, description="Token from @BotFather")
    database_url: str | None = Field(default=None, description="PostgreSQL URL; embedded if unset")
    data_dir: Path = Field(default=Path("data"), description="Folder for local data")
    pg_data_dir: Path | None = Field(default=None, description="Embedded PostgreSQL data folder")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"

    webhook_url: str | None = Field(default=None, description="Public HTTPS URL; webhook mode")
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_path: str = "telegram"
    webhook_secret: SecretStr | None = None

    # Telegram allows about 30 messages a second overall; a local Bot API server more.
    telegram_messages_per_second: float = Field(default=30.0, gt=0)

    session_days: int = 30
    # Chats handled at once per process (each chat's updates one after another).
    max_concurrent_updates: int = Field(default=64, ge=1)
    # The update inbox: attempts before an update is set aside, the first retry's delay
    # (doubling after), how long handled updates are kept, how often a process looks for
    # work stored by others, and how long SIGTERM waits for updates in hand.
    inbox_max_attempts: int = Field(default=5, ge=1)
    inbox_retry_seconds: float = Field(default=1.0, ge=0)
    inbox_retention_days: int = Field(default=7, ge=1)
    inbox_poll_seconds: float = Field(default=0.25, gt=0)
    shutdown_grace_seconds: float = Field(default=10.0, ge=0)
    reminder_rate_per_second: float = 25.0

    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = 10.0
    # Voice notes are transcribed by the same endpoint (for users who agreed) with this model.
    llm_transcription_model: str = "whisper-1"

    # /export's media zips stay under this, for Telegram's 50 MB upload limit.
    export_zip_max_bytes: int = Field(default=49_000_000, ge=1024)

    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "Growth Journal <journal@localhost>"
    # Mail goes out encrypted: implicit TLS (None: on port 465) or else STARTTLS, which the
    # server must offer. Only SMTP_ALLOW_INSECURE=true lets it (and the password) go in the
    # clear when the server has no STARTTLS.
    smtp_implicit_tls: bool | None = None
    smtp_allow_insecure: bool = False
    smtp_ca_file: Path | None = Field(default=None, description="CA bundle for a private relay")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def llm_host(self) -> str | None:
        """Where entry text goes for suggestions, for users who agreed: None when no LLM
        is configured (suggestions are made locally)."""
        if not self.llm_base_url:
            return None
        return external_host(self.llm_base_url)

    @property
    def embedded_pg_dir(self) -> Path:
        return self.pg_data_dir or self.data_dir / "postgres"

    def webhook_secret_token(self) -> str:
        """WEBHOOK_SECRET, or one derived from the bot token: every instance derives the
        same, and only who knows the token can. Hex fits Telegram's [A-Za-z0-9_-]."""
        if self.webhook_secret is not None and self.webhook_secret.get_secret_value():
            return self.webhook_secret.get_secret_value()
        return hmac.new(
            self.token().encode(), b"growth-journal webhook secret", hashlib.sha256
        ).hexdigest()

    def token(self) -> str:
        """The bot token, or a one-line ConfigError saying what is wrong with it."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise ConfigError(
                "BOT_TOKEN is not set. Get a token from @BotFather and put BOT_TOKEN=... "
                "in the environment or in .env (or try the bot offline: python -m bot try)."
            )
        value = self.bot_token.get_secret_value().strip()
        if not TOKEN_RE.match(value):
            raise ConfigError(
                "BOT_TOKEN looks malformed: expected digits, a colon and the secret, "
                "like 123456789:AAE... (copy it again from @BotFather)."
            )
        return value


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one ConfigError line each."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"Invalid configuration: {problems}") from None
