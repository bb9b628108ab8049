"""The bot's own profile: getMe, its commands, descriptions and menu button; close, logOut."""

from __future__ import annotations

import json
import re

from fake_telegram.errors import JSONDict, bad_request
from fake_telegram.models import Upload
from fake_telegram.state import FakeState, bot_method

_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class ProfileMethods(FakeState):
    """What the bot says about itself (``bot_settings``, ``commands``, ``my_commands``)."""

    @bot_method("close", "logOut")
    async def _true(self, params: JSONDict, uploads: dict[str, Upload]) -> bool:
        return True

    def _store_setting(self, name: str, params: JSONDict) -> bool:
        self.bot_settings[name] = params
        return True

    @bot_method("setMyDescription")
    async def _set_my_description(self, params: JSONDict, uploads: dict[str, Upload]) -> bool:
        return self._store_setting("description", params)

    @bot_method("setMyShortDescription")
    async def _set_my_short_description(self, params: JSONDict, uploads: dict[str, Upload]) -> bool:
        return self._store_setting("short_description", params)

    @bot_method("setChatMenuButton")
    async def _set_chat_menu_button(self, params: JSONDict, uploads: dict[str, Upload]) -> bool:
        return self._store_setting("menu_button", params)

    @bot_method("getMe")
    async def _get_me(self, params: JSONDict, uploads: dict[str, Upload]) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @staticmethod
    def _commands_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    @bot_method("setMyCommands")
    async def _set_my_commands(self, params: JSONDict, uploads: dict[str, Upload]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("commands must be an Array")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("BOT_COMMAND_INVALID")
            if not _COMMAND_NAME_RE.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params)
        if commands:
            self.commands[key] = commands
        else:
            self.commands.pop(key, None)
        return True

    @bot_method("getMyCommands")
    async def _get_my_commands(
        self, params: JSONDict, uploads: dict[str, Upload]
    ) -> list[JSONDict]:
        return self.commands.get(self._commands_key(params), [])

    @bot_method("deleteMyCommands")
    async def _delete_my_commands(self, params: JSONDict, uploads: dict[str, Upload]) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def my_commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[str]:
        """Command names the bot registered for the scope (default scope when None)."""
        key = self._commands_key({"scope": scope, "language_code": language_code})
        return [str(c["command"]) for c in self.commands.get(key, [])]
