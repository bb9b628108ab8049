"""python-telegram-bot's HTTP client, retrying when the Bot API stumbles.

A 5xx answer or a network timeout is retried twice with a short back-off; everything
else (4xx, 429 handled by the rate limiter) is returned as it is. A retried send may,
rarely, reach the chat twice: better than a reply that never arrives.
"""

from __future__ import annotations

import asyncio
import logging

from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData
from telegram.request._baserequest import BaseRequest

logger = logging.getLogger(__name__)

RETRIES = 2
BACKOFF_SECONDS = 0.5


class RetryingRequest(HTTPXRequest):
    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        for attempt in range(RETRIES + 1):
            last = attempt == RETRIES
            try:
                code, payload = await super().do_request(
                    url,
                    method,
                    request_data,
                    read_timeout,
                    write_timeout,
                    connect_timeout,
                    pool_timeout,
                )
            except (TimedOut, NetworkError) as exc:
                if last:
                    raise
                logger.warning("Bot API %s failed (%s); retrying", endpoint, exc)
            else:
                if code < 500 or last:
                    return code, payload
                logger.warning("Bot API %s answered %s; retrying", endpoint, code)
            await asyncio.sleep(BACKOFF_SECONDS * (attempt + 1))
        raise AssertionError("unreachable")
