"""Chats other than a user's private chat with the bot."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import GroupChatNotice


async def claim_group_notice(s: AsyncSession, chat_id: int, chat_type: str) -> bool:
    """True the first time for this chat, ever: the caller may post its one note there.

    The primary key decides, so two processes racing on the same chat agree."""
    inserted = await s.execute(
        insert(GroupChatNotice)
        .values(chat_id=chat_id, chat_type=chat_type)
        .on_conflict_do_nothing(index_elements=[GroupChatNotice.chat_id])
        .returning(GroupChatNotice.chat_id)
    )
    return inserted.first() is not None
