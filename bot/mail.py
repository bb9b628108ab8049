"""SMTP transport settings and what to log about a failed send (reminder emails)."""

from __future__ import annotations

import logging
from typing import Any

from bot.config import Settings

logger = logging.getLogger("bot.reminders")

__all__ = ["smtp_failure", "smtp_transport", "warn_insecure_smtp"]


def smtp_transport(settings: Settings) -> dict[str, Any]:
    """aiosmtplib's TLS arguments: implicit TLS, required STARTTLS, or (only when allowed)
    STARTTLS if the server offers it and plaintext otherwise."""
    implicit = settings.smtp_implicit_tls
    if implicit is None:
        implicit = settings.smtp_port == 465
    transport: dict[str, Any] = {"use_tls": implicit}
    if not implicit:
        # None is aiosmtplib's "upgrade when offered"; True fails when it is not.
        transport["start_tls"] = None if settings.smtp_allow_insecure else True
    if settings.smtp_ca_file is not None:
        transport["cert_bundle"] = str(settings.smtp_ca_file)
    return transport


def smtp_failure(exc: BaseException) -> str:
    """What to log about a failed send: the kind and SMTP code, never the server's text,
    which often quotes the recipient's address."""
    # SMTPRecipientsRefused keeps one error, with its code, per refused recipient.
    errors = [exc, *getattr(exc, "recipients", [])]
    codes = sorted({c for e in errors if isinstance(c := getattr(e, "code", None), int)})
    return type(exc).__name__ + "".join(f" (SMTP {c})" for c in codes)


def warn_insecure_smtp(settings: Settings) -> bool:
    """Log a warning at start when mail may go out unencrypted; True if it may."""
    if not settings.smtp_host or not settings.smtp_allow_insecure:
        return False
    if smtp_transport(settings)["use_tls"]:
        return False
    logger.warning(
        "SMTP_ALLOW_INSECURE=true: if %s offers no STARTTLS, reminder emails and the SMTP "
        "password are sent unencrypted",
        settings.smtp_host,
    )
    return True
