"""Growth-mindset journaling prompts for reminders (English msgids: ``pick_prompt`` gives
them in the current language)."""

from __future__ import annotations

import hashlib
import random
from datetime import date

from core.i18n import N_, _

PROMPTS: tuple[str, ...] = (
    N_("What is something you found hard today, and what did you learn from trying?"),
    N_("Describe a mistake you made recently. What would you try differently next time?"),
    N_("Which skill are you building right now? What small step moved it forward today?"),
    N_("When did you feel stuck this week? What helped you get moving again?"),
    N_("What feedback did you receive lately, and how could it help you grow?"),
    N_("Think of someone whose progress inspires you. What can you learn from their path?"),
    N_("What challenge are you avoiding? What is one tiny first step you could take?"),
    N_("Write about a time effort paid off even though it didn't feel like it at first."),
    N_("What did you get better at this month compared with last month?"),
    N_("Which 'I can't' thought showed up today? Try rewriting it as 'I can't yet'."),
    N_("What question are you curious about right now, and how could you explore it?"),
    N_("Describe a setback from the past that you now see as a turning point."),
    N_("What strategy did you use today that worked well? Where else could you use it?"),
    N_("If you approached tomorrow as an experiment, what would you test?"),
    N_("What is one thing you practised today, even for five minutes?"),
    N_("Who helped you learn something recently? How could you thank them?"),
    N_("What would you attempt if you knew mistakes were simply part of learning?"),
    N_("Which part of your work today stretched you the most, and why?"),
    N_("Recall a compliment on your effort (not your talent). How did it feel?"),
    N_("What did you notice about how you handle frustration today?"),
    N_("Name a goal that feels big. What would progress look like one week from now?"),
    N_("What did you try for the first time recently? How did it go?"),
    N_("When did you ask for help lately, and what did that make possible?"),
    N_("What is a belief about your abilities that you'd like to challenge?"),
    N_("Describe a moment today when you kept going instead of giving up."),
    N_("What did a failure teach you that a success never could?"),
    N_("Which habit is helping you grow, and which one is holding you back?"),
    N_("What would your future self thank you for doing this week?"),
    N_("How did you respond to someone else's success today? What did it teach you?"),
    N_("What is one piece of knowledge you didn't have a year ago?"),
    N_("Where did you choose the harder but more rewarding option recently?"),
    N_("What does 'progress, not perfection' mean for you right now?"),
    N_("Write about a problem you solved by looking at it from a new angle."),
    N_("What are you proud of learning this week, however small?"),
    N_("Which upcoming challenge could become your next opportunity to grow?"),
    N_("What would you tell a friend who is struggling with what you struggled with today?"),
)


def _seed(user_key: str, cycle: int) -> int:
    # hashlib rather than hash(): str hashes are salted per process, and the
    # same user must get the same prompt after a restart.
    digest = hashlib.sha256(f"{user_key}\x00{cycle}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _cycle_order(user_key: str, cycle: int) -> list[int]:
    """A fresh shuffle per cycle that keeps each prompt in a fixed half of the cycle.

    Pinning a prompt to the first or second half bounds how soon it can return:
    at least ``len(PROMPTS) // 2 + 1`` days later, even across reshuffles.
    """
    everything = list(range(len(PROMPTS)))
    random.Random(_seed(user_key, -1)).shuffle(everything)
    middle = len(everything) // 2
    first, second = everything[:middle], everything[middle:]
    rng = random.Random(_seed(user_key, cycle))
    rng.shuffle(first)
    rng.shuffle(second)
    return first + second


def pick_prompt(user_key: str, when: date) -> str:
    """Today's prompt for this user, in the current language: stable within a day,
    different on consecutive days.

    Deterministic across restarts, varied from user to user, and no prompt
    comes back within ``len(PROMPTS) // 2`` days.
    """
    count = len(PROMPTS)
    # A per-user phase so users don't all start a new cycle on the same day.
    day = when.toordinal() + _seed(user_key, -2) % count
    cycle, position = divmod(day, count)
    return _(PROMPTS[_cycle_order(user_key, cycle)[position]])
