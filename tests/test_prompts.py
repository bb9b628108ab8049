from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from itertools import pairwise

from core.prompts import PROMPTS, pick_prompt

START = date(2025, 1, 1)
USERS = [str(i) for i in range(40)] + ["alice", "", "user:123456789", "ünïcode"]


def days(count: int, start: date = START) -> list[date]:
    return [start + timedelta(days=i) for i in range(count)]


def test_there_are_at_least_30_distinct_prompts() -> None:
    assert len(PROMPTS) >= 30
    assert len(set(PROMPTS)) == len(PROMPTS)
    assert all(p.strip() == p and len(p) > 20 for p in PROMPTS)


def test_same_user_and_day_gives_the_same_prompt() -> None:
    for user in USERS:
        assert pick_prompt(user, START) == pick_prompt(user, START)
        assert pick_prompt(user, START) in PROMPTS


def test_no_repeat_on_consecutive_days_over_60_days() -> None:
    for user in USERS:
        picks = [pick_prompt(user, day) for day in days(60)]
        assert all(a != b for a, b in pairwise(picks)), user


def test_no_repeat_on_consecutive_days_over_several_years() -> None:
    # Crosses many reshuffles of the prompt order.
    for user in USERS[:10]:
        picks = [pick_prompt(user, day) for day in days(3 * 366, date(2023, 6, 1))]
        assert all(a != b for a, b in pairwise(picks)), user


def test_no_prompt_returns_within_half_the_prompt_count() -> None:
    window = len(PROMPTS) // 2 + 1
    for user in USERS[:10]:
        picks = [pick_prompt(user, day) for day in days(2 * 366, date(2024, 2, 1))]
        for start in range(len(picks) - window + 1):
            assert len(set(picks[start : start + window])) == window, (user, start)


def test_every_prompt_gets_used() -> None:
    used = {pick_prompt("alice", day) for day in days(len(PROMPTS) * 3)}
    assert used == set(PROMPTS)


def test_users_do_not_all_get_the_same_prompt() -> None:
    for day in days(10):
        assert len({pick_prompt(user, day) for user in USERS}) > 5


def test_choice_survives_a_restart() -> None:
    # Python salts str hashes per process; the prompt must not depend on that.
    code = "from datetime import date; from core.prompts import pick_prompt;"
    code += "print(pick_prompt('alice', date(2025, 3, 14)))"
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(result.stdout.strip())
    assert outputs == {pick_prompt("alice", date(2025, 3, 14))}
