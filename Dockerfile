FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

RUN useradd --create-home --uid 10001 journal
WORKDIR /app

COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY db ./db
COPY migrations ./migrations
RUN pip install --no-compile .

USER journal
# DATABASE_URL should point at PostgreSQL (see docker-compose.yml); without it the
# embedded server keeps its data in /app/data, which you should mount as a volume.
ENV DATA_DIR=/home/journal/data
# `python -m bot` migrates the database to head, then runs the bot.
CMD ["python", "-m", "bot"]
