"""Errors the data layer raises (defined in the core, which raises them too).

Every message is written for the user: handlers may show ``str(error)`` as it is.
"""

from __future__ import annotations

from core.errors import InvalidInput, NotFound

__all__ = ["InvalidInput", "NotFound"]
