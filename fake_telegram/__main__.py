"""``python -m fake_telegram``: serve the fake Telegram Bot API on its own until Ctrl-C.

For trying a deployment (a container, another machine) without Telegram: point the bot's
TELEGRAM_BASE_URL at the URL this prints and give it the same BOT_TOKEN.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from fake_telegram.server import DEFAULT_TOKEN, FakeBotAPI


async def serve(host: str, port: int, token: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with FakeBotAPI(token=token, host=host, port=port) as api:
        print(f"fake Bot API: TELEGRAM_BASE_URL={api.base_url} BOT_TOKEN={api.token}", flush=True)
        await stop.wait()
        methods = sorted({call.method for call in api.calls})
        print(f"answered {len(api.calls)} calls: {', '.join(methods)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m fake_telegram", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port, args.token))


main()
