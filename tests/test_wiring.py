"""The wiring in bot.app: every dialog a feature offers is reachable, none twice."""

from __future__ import annotations

import pytest
from telegram import Update
from telegram.ext import ContextTypes

from bot.dialogs import Dialogs
from bot.handlers import checkin, goal_dialogs, goal_suggestions, goals, journal
from bot.services import KEY, Services
from db.models import DialogState
from tests.harness import BotHarness


async def _step(update: Update, context: ContextTypes.DEFAULT_TYPE, state: DialogState) -> None:
    return None


def get_services_of(bot: BotHarness) -> Services:
    services = bot.app.bot_data[KEY]
    assert isinstance(services, Services)
    return services


def test_a_dialog_name_offered_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="'write' is declared twice"):
        Dialogs.combine(steps=[{"write": _step}, {"write": _step}])


async def test_services_name_every_hook_and_dialog(bot: BotHarness) -> None:
    services = get_services_of(bot)
    assert services.default_text is journal.on_text
    assert services.login_hooks == [journal.save_pending]
    assert services.after_save == [goal_suggestions.suggest_after_save]
    assert services.dialogs.step_for(journal.WRITE_DIALOG) is journal.write_part
    assert services.dialogs.step_for("no such dialog") is None
    for name in goals.DIALOGS:
        assert services.dialogs.canceller_for(name) is goal_dialogs.goal_dialog_cancelled
    assert services.dialogs.canceller_for(checkin.CHECKIN) is checkin.checkin_cancelled
    assert services.suggestion_engine is not None
