"""Test controls for failure: injected errors, blocked users, slow methods, rate limits."""

from __future__ import annotations

import math

from fake_telegram.errors import ApiError, JSONDict
from fake_telegram.models import Fault
from fake_telegram.state import CHAT_DELIVERY_METHODS, SEND_METHODS, FakeState

_DEFAULT_ERROR_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class FaultInjection(FakeState):
    """``fail_next``, ``block_user``, ``delay`` and the rate limits, checked before each call."""

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Makes the next ``times`` matching calls fail with a Telegram-shaped error.

        ``method="*"`` matches any method except getUpdates.
        """
        parameters: JSONDict | None = None
        if status == 429 or retry_after is not None:
            retry_after = retry_after if retry_after is not None else 1
            parameters = {"retry_after": retry_after}
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _DEFAULT_ERROR_TEXT.get(status, "Error")
        self._faults.append(Fault(method, status, description, parameters, times, chat_id))

    def block_user(self, chat_id: int) -> None:
        """Every send to this chat answers 403 until ``unblock_user``."""
        self._blocked.add(chat_id)

    def unblock_user(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def delay(self, method: str, seconds: float) -> None:
        """Holds every ``method`` call for ``seconds`` before handling it (0 removes it)."""
        if seconds > 0:
            self._delays[method] = seconds
        else:
            self._delays.pop(method, None)

    def _check_faults(self, method: str, params: JSONDict) -> None:
        chat_id = params.get("chat_id")
        for fault in self._faults:
            if fault.method not in (method, "*") or (
                fault.method == "*" and method == "getUpdates"
            ):
                continue
            if fault.chat_id is not None and fault.chat_id != chat_id:
                continue
            fault.times -= 1
            if fault.times <= 0:
                self._faults.remove(fault)
            raise ApiError(fault.status, fault.description, fault.parameters)
        if method in CHAT_DELIVERY_METHODS and chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if method in CHAT_DELIVERY_METHODS and chat_id in self.left_chats:
            raise ApiError(403, "Forbidden: bot is not a member of the group chat")
        if self.enforce_rate_limits and method in SEND_METHODS and isinstance(chat_id, int):
            self._check_rate(chat_id)

    def _check_rate(self, chat_id: int) -> None:
        now = self.clock()
        recent = sum(1 for at, _ in self.send_log if now - at < 1.0)
        if recent >= self.GLOBAL_SENDS_PER_SECOND:
            raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        tokens = self._chat_tokens(chat_id, now)
        if tokens < 1:
            wait = max(1, math.ceil((1 - tokens) / self.CHAT_SENDS_PER_SECOND))
            raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})

    def max_sends_per_second(self, chat_id: int | None = None) -> int:
        """The most sends seen within any one-second window (overall or for one chat)."""
        times = [at for at, chat in self.send_log if chat_id is None or chat == chat_id]
        best, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best
