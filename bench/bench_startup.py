"""Time to the first prompt of `bash scripts/bot.sh try` on a second start, and Ctrl-C.

Each run starts the launcher exactly as a person would (bash, the .venv stamp check, Python,
the embedded PostgreSQL in its own DATA_DIR, migrations, the fake Bot API, the application)
on a pseudo-terminal, with every package index unreachable, and measures the time until
"you> " appears; then it sends Ctrl-C (SIGINT to the process group, as a terminal does) and
measures the time until the process has exited. The baseline, interleaved run by run, is the
framework's floor: a bare python-telegram-bot application (no handlers, no database) started
against the same fake Bot API, timed to the moment it polls.

    .venv/bin/python bench/bench_startup.py [--quick] [--write]
"""

from __future__ import annotations

import argparse
import os
import pty
import resource
import select
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, machine, now_utc, write_section

PROMPT = b"you> "
OFFLINE = {
    "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
    "PIP_NO_INDEX": "1",
    "UV_INDEX_URL": "http://127.0.0.1:9/simple",
    "UV_OFFLINE": "1",
}
BARE_PTB = """
import asyncio
from telegram.ext import ApplicationBuilder
from fake_telegram.server import FakeBotAPI

async def main():
    async with FakeBotAPI() as fake:
        app = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build()
        async with app:
            await app.start()
            await app.updater.start_polling()
            print("ready", flush=True)
            await app.updater.stop()
            await app.stop()

asyncio.run(main())
"""


def environment(data_dir: Path) -> dict[str, str]:
    proxies = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"}
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in proxies and not k.startswith(("BOT_", "DATABASE_", "TELEGRAM_"))
    }
    return env | OFFLINE | {"DATA_DIR": str(data_dir)}


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_to(argv: list[str], marker: bytes, env: dict[str, str]) -> tuple[float, float, bytes]:
    """Seconds from spawn until ``marker`` is printed, then from Ctrl-C until exit."""
    master, slave = pty.openpty()
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    output = b""
    try:
        while marker not in output:
            if time.perf_counter() - started > 300:
                raise RuntimeError(f"no {marker!r} after 300 s: {output[-2000:]!r}")
            ready, _, _ = select.select([master], [], [], 1)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise RuntimeError(f"exited before {marker!r}: {output[-2000:]!r}")
                output += chunk
        to_marker = time.perf_counter() - started
        interrupted = time.perf_counter()
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=60)
        return to_marker, time.perf_counter() - interrupted, output
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="3 runs")
    parser.add_argument("--write", action="store_true", help="record in bench/RESULTS.md")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs

    data_dir = ROOT / "data" / "bench-startup"
    env = environment(data_dir)
    launcher = ["bash", "scripts/bot.sh", "try", "--files", str(data_dir / "files")]
    bare = [sys.executable, "-c", BARE_PTB]
    env_bare = env | {"PYTHONPATH": str(ROOT)}

    # Warm-up: the first start creates the embedded cluster (initdb) and the .venv stamp must
    # already match (a first install would need the network this bench takes away).
    first, _, output = time_to(launcher, PROMPT, env)
    if b"installing" in output:
        raise SystemExit("the launcher installed packages: run it once online first")
    time_to(bare, b"ready", env_bare)

    prompt, ctrl_c, floor, cpu, cpu_floor = [], [], [], [], []
    for _ in range(runs):
        before = child_cpu()
        to_prompt, to_exit, _ = time_to(launcher, PROMPT, env)
        cpu.append(child_cpu() - before)
        prompt.append(to_prompt)
        ctrl_c.append(to_exit)
        before = child_cpu()
        floor.append(time_to(bare, b"ready", env_bare)[0])
        cpu_floor.append(child_cpu() - before)
        print(
            f"prompt {to_prompt:.2f} s  Ctrl-C {to_exit:.2f} s  bare PTB {floor[-1]:.2f} s  "
            f"CPU {cpu[-1]:.2f} s vs {cpu_floor[-1]:.2f} s"
        )

    ratios = [p / f for p, f in zip(prompt, floor, strict=True)]

    def row(what: str, values: list[float], ratio: str) -> str:
        spread = f"{statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f}"
        return f"| {what} | {spread} | {ratio} |"

    table = "\n".join(
        [
            "| What | Median s | Min s | Max s | Ratio vs bare PTB (median of pairs) |",
            "|---|---:|---:|---:|---:|",
            row("bare PTB app polling the fake Bot API (baseline)", floor, "1.00"),
            row(
                "`bash scripts/bot.sh try` to the first `you> ` prompt",
                prompt,
                f"{statistics.median(ratios):.2f}",
            ),
            row("Ctrl-C at the prompt until the process has exited", ctrl_c, ""),
            row("CPU time of a whole bare PTB run (baseline)", cpu_floor, "1.00"),
            row(
                "CPU time of a whole try-out run: start, prompt, Ctrl-C, stop",
                cpu,
                f"{statistics.median([c / f for c, f in zip(cpu, cpu_floor, strict=True)]):.2f}",
            ),
        ]
    )
    body = f"""
Measured {now_utc()} on {machine()}. Command: `python bench/bench_startup.py --write`.
{runs} interleaved runs after a warm-up (the warm-up, which creates the embedded cluster on
a first run, took {first:.2f} s). Every package index unreachable (`PIP_INDEX_URL` and
`UV_INDEX_URL` on a closed port, `PIP_NO_INDEX`, `UV_OFFLINE`, no proxy): the second start
installs nothing.

{table}

Notes: the time to the prompt covers bash and the `.venv` stamp check (no package tool
runs), starting Python and importing the bot, starting the embedded PostgreSQL (`pg_ctl
start`), checking the schema, starting the fake Bot API and the application (getMe, the
command menu, the first getUpdates). Before the lock and stamp, each start ran `pip install
--upgrade pip` and `pip install -e .` (about 5 s online, a failure after 18 s offline).
Ctrl-C used to hang until Enter. CPU time (user + system, the launcher's processes and the
`pg_ctl` it runs, not the detached server) depends less on other load than wall time. The
machine is shared with other work: compare the ratios, not the seconds.
"""
    print(body)
    if args.write:
        write_section("Start-up: the try-out's first prompt and Ctrl-C", body)


if __name__ == "__main__":
    main()
