"""Voice notes to text through the optional OpenAI-compatible endpoint (LLM_BASE_URL),
``POST {base}/audio/transcriptions``. Only for users who agreed to send entries there
(the same consent as goal suggestions); any failure means no transcript, never an error
for the user: the voice note is kept with a placeholder text."""

from __future__ import annotations

import asyncio
import logging

import httpx

from bot.config import Settings

logger = logging.getLogger(__name__)

# A transcript longer than this is cut: an entry is text someone said, not a book.
MAX_TRANSCRIPT_CHARS = 20_000


async def transcribe(
    settings: Settings,
    audio: bytes,
    *,
    mime_type: str | None,
    client: httpx.AsyncClient | None = None,
) -> str | None:
    """The transcript of ``audio``, or None when there is no endpoint or it failed."""
    if not settings.llm_base_url:
        return None
    url = f"{settings.llm_base_url.rstrip('/')}/audio/transcriptions"
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else ""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    files = {"file": ("voice.ogg", audio, mime_type or "audio/ogg")}
    data = {"model": settings.llm_transcription_model, "response_format": "json"}
    try:
        async with asyncio.timeout(settings.llm_timeout):
            if client is None:
                async with httpx.AsyncClient() as own:
                    response = await own.post(url, headers=headers, files=files, data=data)
            else:
                response = await client.post(url, headers=headers, files=files, data=data)
        if response.status_code != 200:
            # Never the body: an error page may echo what was sent.
            logger.warning("voice transcription failed: HTTP %s", response.status_code)
            return None
        text = response.json().get("text")
    except Exception as exc:
        logger.warning("voice transcription failed (%s)", type(exc).__name__)
        return None
    if not isinstance(text, str) or not text.strip():
        return None
    return " ".join(text.split())[:MAX_TRANSCRIPT_CHARS]
