"""The command list: one place for the menu Telegram shows and for /help.

Descriptions and group names are English msgids (``Command``'s second argument is
extracted into the catalogs by scripts/i18n.sh); they are translated where shown.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from core.i18n import N_, _


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    group: str
    usage: str = ""  # e.g. "/rate resilience 7 [note]" when arguments help


GROUP_ORDER = [
    N_("Getting started"),
    N_("Journal"),
    N_("Goals"),
    N_("Growth metrics"),
    N_("Reminders & settings"),
    N_("Account"),
]


def help_text(commands: list[Command]) -> str:
    """/help, grouped, in HTML."""
    lines = [
        _(
            "<b>Growth Journal</b> — write anything and I save it to your journal. "
            "Photos (an album is one entry) and voice notes are kept with their entry."
        ),
        "",
    ]
    known = [g for g in GROUP_ORDER if any(c.group == g for c in commands)]
    others = sorted({c.group for c in commands} - set(GROUP_ORDER))
    for group in known + others:
        lines.append(f"<b>{html.escape(_(group))}</b>")
        for c in commands:
            if c.group == group:
                usage = html.escape(c.usage or "/" + c.name)
                lines.append(f"{usage} — {html.escape(_(c.description))}")
        lines.append("")
    lines.append(_("/cancel leaves any dialog. Buttons do most of the work."))
    return "\n".join(lines).strip()
