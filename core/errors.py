"""Errors for input the user can fix, raised by the core and the data layer alike.

Every message is written for the user: handlers may show ``str(error)`` as it is.
Catching ``VocabularyError`` catches all of them, since ``InvalidInput`` and
``NotFound`` derive from it.
"""

from __future__ import annotations

from core.vocab import VocabularyError


class InvalidInput(VocabularyError):
    """Input the user can fix: empty, too long, malformed."""


class NotFound(VocabularyError, LookupError):
    """Something the input refers to does not exist (or belongs to another user)."""
