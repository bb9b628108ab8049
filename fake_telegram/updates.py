"""Update delivery: getUpdates long polls, or a webhook that retries until the bot accepts."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time

from aiohttp import ClientError

from fake_telegram.errors import ApiError, JSONDict, bad_request
from fake_telegram.models import Upload, Webhook
from fake_telegram.state import FakeState, bot_method

# Telegram's default when allowed_updates was never set or set to [].
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateDelivery(FakeState):
    """Pending updates leave through getUpdates or the webhook, never both (409 like Telegram)."""

    WEBHOOK_RETRY_MAX = 1.0

    def _update_allowed(self, update: JSONDict) -> bool:
        kind = next(k for k in update if k != "update_id")
        if not self._allowed_updates:
            return kind not in _DEFAULT_EXCLUDED_UPDATES
        return kind in self._allowed_updates

    @bot_method("getUpdates")
    async def _get_updates(self, params: JSONDict, uploads: dict[str, Upload]) -> list[JSONDict]:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(100, max(1, int(params.get("limit") or 100)))
        timeout = float(params.get("timeout") or 0)
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = params["allowed_updates"]
        # Confirming: updates before offset are forgotten (negative offset counts from the end).
        if offset < 0:
            self._pending = self._pending[offset:]
        elif offset:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        self._poll_generation += 1
        generation = self._poll_generation

        def ready() -> bool:
            self._pending = [u for u in self._pending if self._update_allowed(u)]
            return bool(self._pending) or self._closing or generation != self._poll_generation

        self.polls_waiting += 1
        self._bump()
        try:
            await self._wait_until(ready, timeout)
        finally:
            self.polls_waiting -= 1
        if self._webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        if generation != self._poll_generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return self._pending[:limit]

    @bot_method("setWebhook")
    async def _set_webhook(self, params: JSONDict, uploads: dict[str, Upload]) -> bool:
        url = str(params.get("url") or "")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = params["allowed_updates"]
        await self._stop_webhook_worker()
        if not url:
            self._webhook = None
            return True
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("secret token contains unallowed characters")
        self._webhook = Webhook(
            url, str(secret) if secret else None, int(params.get("max_connections") or 40)
        )
        # Wake any long poll so it answers 409 like Telegram does.
        self._poll_generation += 1
        self._webhook_task = asyncio.create_task(self._webhook_worker(self._webhook))
        return True

    @bot_method("deleteWebhook")
    async def _delete_webhook(self, params: JSONDict, uploads: dict[str, Upload]) -> bool:
        if params.get("drop_pending_updates"):
            self._pending.clear()
        await self._stop_webhook_worker()
        self._webhook = None
        return True

    @bot_method("getWebhookInfo")
    async def _get_webhook_info(self, params: JSONDict, uploads: dict[str, Upload]) -> JSONDict:
        hook = self._webhook
        info: JSONDict = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        if self._allowed_updates:
            info["allowed_updates"] = self._allowed_updates
        return info

    async def _stop_webhook_worker(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._webhook_busy = False

    async def _webhook_worker(self, hook: Webhook) -> None:
        """Delivers pending updates one at a time, in order, retrying until accepted."""
        backoff = 0.05
        while self._webhook is hook and not self._closing:
            since = self._change_counter
            self._pending = [u for u in self._pending if self._update_allowed(u)]
            if not self._pending:
                await self.wait_for_change(since)
                continue
            update = self._pending[0]
            headers = {"Content-Type": "application/json"}
            if hook.secret_token:
                headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
            error: str | None = None
            self._webhook_busy = True
            try:
                assert self._session is not None
                async with self._session.post(
                    hook.url, data=json.dumps(update), headers=headers
                ) as resp:
                    if not 200 <= resp.status < 300:
                        error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
            except (ClientError, TimeoutError, OSError) as exc:
                error = f"Connection failed: {exc}"
            finally:
                self._webhook_busy = False
            if error is None:
                if update in self._pending:
                    self._pending.remove(update)
                self._last_activity = time.monotonic()
                backoff = 0.05
                self._bump()
            else:
                hook.last_error_date, hook.last_error_message = int(time.time()), error
                await self._wait_until(lambda: self._closing, backoff)
                backoff = min(backoff * 2, self.WEBHOOK_RETRY_MAX)
