"""How the /settings menu names stored values (the web app's vocabulary, kept in English in
the database) and the sentences that hold one, in the user's language."""

from __future__ import annotations

from typing import Final

from core.i18n import N_, _

# A whole sentence per weekday: "on Mondays" is said differently in every language.
WEEKLY_TOASTS: Final = (
    N_("Reminders on Mondays"),
    N_("Reminders on Tuesdays"),
    N_("Reminders on Wednesdays"),
    N_("Reminders on Thursdays"),
    N_("Reminders on Fridays"),
    N_("Reminders on Saturdays"),
    N_("Reminders on Sundays"),
)
SHORT_MONTHS_NOTE: Final = N_("Days 29–31 fall on the last day of shorter months.")
# Stored values (the web app's vocabulary) -> how the menu names them.
VALUE_NAMES: Final[dict[str, str]] = {
    "daily": N_("daily"),
    "weekly": N_("weekly"),
    "monthly": N_("monthly"),
    "small": N_("small"),
    "medium": N_("medium"),
    "large": N_("large"),
    "default": N_("default"),
    "ocean": N_("ocean"),
    "forest": N_("forest"),
    "sunset": N_("sunset"),
    "mono": N_("mono"),
    "private": N_("private"),
    "shared": N_("shared"),
}
# The same values on buttons, where they start a label.
BUTTON_NAMES: Final[dict[str, str]] = {
    "daily": N_("Daily"),
    "weekly": N_("Weekly"),
    "monthly": N_("Monthly"),
    "small": N_("Small"),
    "medium": N_("Medium"),
    "large": N_("Large"),
    "default": N_("Default"),
    "ocean": N_("Ocean"),
    "forest": N_("Forest"),
    "sunset": N_("Sunset"),
    "mono": N_("Mono"),
    "private": N_("Private"),
    "shared": N_("Shared"),
}


def value_name(value: object) -> str:
    """A stored value as the menu names it (anything unknown as stored)."""
    text = str(value)
    return _(VALUE_NAMES[text]) if text in VALUE_NAMES else text


def button_name(value: str) -> str:
    return _(BUTTON_NAMES[value]) if value in BUTTON_NAMES else value.capitalize()
