FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# The dependencies, exactly as locked: uv turns uv.lock into a requirements list with
# hashes (the runtime set, without the dev extra) and pip installs only that, checking every
# hash. This layer changes only with uv.lock. Bytecode is compiled here because the
# read-only image could not cache it at run time, and compiling on each start costs seconds.
COPY pyproject.toml uv.lock ./
RUN pip install "uv==0.13.8" \
 && uv export --frozen --no-dev --no-emit-project --format requirements-txt \
      -o /tmp/requirements.txt \
 && pip install --require-hashes --no-deps -r /tmp/requirements.txt \
 && pip uninstall -y uv \
 && rm /tmp/requirements.txt

# The runtime user and its data folder (the embedded PostgreSQL and the heartbeat live there
# when DATABASE_URL is unset); mount a volume on /data to keep it.
RUN useradd --create-home --uid 10001 journal \
 && mkdir -p /data \
 && chown journal:journal /data

# The fake Bot API (fake_telegram/, the fake extra) is for tests and `try`: never copied here.
COPY alembic.ini ./
COPY bot ./bot
COPY core ./core
COPY db ./db
COPY migrations ./migrations
RUN python -m compileall -q bot core db migrations

ENV PYTHONPATH=/app DATA_DIR=/data
USER journal
VOLUME ["/data"]

# Passes while the bot's event loop keeps rewriting its heartbeat file (bot/health.py).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["python", "-m", "bot", "health"]

# `python -m bot` migrates the database to head, then runs the bot; SIGTERM (docker stop)
# stops it cleanly within a couple of seconds.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
