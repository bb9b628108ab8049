"""Telegram-shaped errors: what a handler raises to answer ``ok: false``."""

from __future__ import annotations

from typing import Any

JSONDict = dict[str, Any]


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.payload: JSONDict = {"ok": False, "error_code": code, "description": description}
        if parameters:
            self.payload["parameters"] = parameters

    @property
    def code(self) -> int:
        return int(self.payload["error_code"])


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")
