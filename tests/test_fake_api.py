"""The fake Bot API must look like Telegram to the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from fake_telegram import DEFAULT_TOKEN, FakeBotAPI, parse_html, run_terminal_chat
from fake_telegram.errors import JSONDict
from fake_telegram.models import Upload
from fake_telegram.state import FakeState, bot_method

AnyApp = Application[Any, Any, Any, Any, Any, Any]
# A valid 2x3 PNG, so the fake's reported photo size can be checked.
PNG_2X3 = bytes.fromhex(
    "89504e470d0a1a0a0000000d494844520000000200000003080200000012"
    "1688f80000001149444154789c63f8cfc0f09f81e13f03c37f0000a6c60bf5ec4b"
    "bd650000000049454e44ae426082"
)


@pytest.fixture
async def fake(tmp_path: Path) -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(files_dir=tmp_path / "files") as api:
        yield api


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(DEFAULT_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


def build_app(fake: FakeBotAPI) -> AnyApp:
    return (
        ApplicationBuilder()
        .token(DEFAULT_TOKEN)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )


@contextlib.asynccontextmanager
async def running(app: AnyApp, webhook_port: int | None = None) -> AsyncIterator[AnyApp]:
    await app.initialize()
    await app.start()
    assert app.updater is not None
    if webhook_port is None:
        await app.updater.start_polling(poll_interval=0, timeout=1)
    else:
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=webhook_port,
            url_path="hook",
            webhook_url=f"http://127.0.0.1:{webhook_port}/hook",
            secret_token="s3cret-token",
        )
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(f"echo: {update.message.text}")


async def until_long_polling(fake: FakeBotAPI) -> None:
    async with asyncio.timeout(10):
        while not fake.polls_waiting:
            await fake.wait_for_change(fake.change_counter)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def choice_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Accept", callback_data="accept"),
                InlineKeyboardButton("Reject", callback_data="reject"),
            ]
        ]
    )


async def offer_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(
        "<b>Keep</b> this entry?", parse_mode=ParseMode.HTML, reply_markup=choice_keyboard()
    )


async def on_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Noted")
    await query.edit_message_text(f"You chose {query.data}")


# -- basics -----------------------------------------------------------------------------------


async def test_get_me_identifies_the_bot_and_wrong_tokens_are_refused(
    fake: FakeBotAPI, bot: Bot
) -> None:
    me = await bot.get_me()
    assert me.username == fake.bot_username
    assert me.id == int(DEFAULT_TOKEN.split(":")[0])
    assert me.is_bot

    intruder = Bot("999:WRONG", base_url=fake.base_url, base_file_url=fake.base_file_url)
    with pytest.raises(InvalidToken):
        await intruder.initialize()
    await intruder.shutdown()


async def test_unknown_and_unsupported_methods_answer_404(fake: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})
    fake.unsupported.add("setMyCommands")
    with pytest.raises(TelegramError):
        await bot.set_my_commands([("start", "Begin")])
    last = fake.calls[-1]
    assert last.method == "setMyCommands"
    assert last.error == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }
    fake.unsupported.clear()
    assert await bot.set_my_commands([("start", "Begin"), ("journal", "Write an entry")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "journal"]
    assert fake.my_commands() == ["start", "journal"]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Not A Command", "x")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


class _DiceMethods(FakeState):
    """A group of Bot API methods the fake does not have, added the way media.py would be."""

    @bot_method("sendDice")
    async def _send_dice(self, params: JSONDict, uploads: dict[str, Upload]) -> JSONDict:
        return {"chat": params["chat_id"], "dice": {"emoji": "🎲", "value": 6}}


class _DiceAPI(_DiceMethods, FakeBotAPI):
    pass


async def test_a_new_group_of_methods_plugs_in_as_one_more_base() -> None:
    async with (
        _DiceAPI() as fake,
        Bot(DEFAULT_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as bot,
    ):
        rolled = await bot.do_api_request("senddice", api_kwargs={"chat_id": 5})
        assert rolled == {"chat": 5, "dice": {"emoji": "🎲", "value": 6}}
        assert fake.calls[-1].method == "sendDice"  # Telegram's spelling, whatever the case
        assert await bot.get_me()  # the built-in groups still answer

    class _SecondGetMe(FakeState):
        @bot_method("getMe")
        async def _other_get_me(self, params: JSONDict, uploads: dict[str, Upload]) -> bool:
            return True

    class _Clash(_SecondGetMe, FakeBotAPI):
        pass

    with pytest.raises(TypeError, match="getMe has two handlers"):
        _Clash()


async def test_long_poll_answers_as_soon_as_an_update_arrives(fake: FakeBotAPI, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await until_long_polling(fake)
    message_id = await fake.send_text(5, "hello")
    updates = await asyncio.wait_for(poll, 10)
    assert [u.message.text for u in updates if u.message] == ["hello"]
    assert updates[0].message is not None and updates[0].message.message_id == message_id

    # Unconfirmed updates come again; confirming with offset forgets them.
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id]
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()


async def test_stopping_the_server_ends_long_polls_at_once(fake: FakeBotAPI, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await until_long_polling(fake)
    await fake.stop()
    assert await asyncio.wait_for(poll, 10) == ()


async def test_update_ids_increase_and_allowed_updates_filter(fake: FakeBotAPI, bot: Bot) -> None:
    await fake.send_text(5, "/start")
    await fake.send_location(5, 52.5, 13.4)
    await fake.press(5, 1, "whatever")
    everything = await bot.get_updates(timeout=0)
    ids = [u.update_id for u in everything]
    assert ids == sorted(ids) and len(set(ids)) == 3
    first = everything[0].message
    assert first is not None and first.text == "/start"
    assert [e.type for e in first.entities] == ["bot_command"]
    loc = everything[1].message
    assert loc is not None and loc.location is not None and loc.location.latitude == 52.5

    only_presses = await bot.get_updates(timeout=0, allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in only_presses if u.callback_query] == ["whatever"]
    assert all(u.message is None for u in only_presses)


# -- a running Application --------------------------------------------------------------------


async def test_polling_application_replies_to_each_user_in_order(fake: FakeBotAPI) -> None:
    app = build_app(fake)

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text("started")

    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with running(app):
        await fake.send_text(1, "/start")
        await fake.send_text(1, "one")
        await fake.send_text(2, "hello", first_name="Ann")
        await fake.send_text(1, "two")
        await fake.wait_for_message(1, contains="echo: two")
        await fake.wait_for_message(2, contains="echo: hello")
        await fake.settle()

    assert [m.text for m in fake.messages(1)] == ["started", "echo: one", "echo: two"]
    assert [m.text for m in fake.messages(2)] == ["echo: hello"]
    replies = [c for c in fake.calls if c.method == "sendMessage"]
    assert all(c.ok for c in replies)


async def test_button_press_is_answered_and_message_edited(fake: FakeBotAPI) -> None:
    app = build_app(fake)
    app.add_handler(CommandHandler("start", offer_choice))
    app.add_handler(CallbackQueryHandler(on_choice))
    async with running(app):
        await fake.send_text(3, "/start")
        offer = await fake.wait_for_message(3, contains="Keep this entry?")
        assert offer.plain_text == "Keep this entry?"
        assert offer.buttons == [[("Accept", "accept"), ("Reject", "reject")]]
        assert offer.button_texts() == ["Accept", "Reject"]

        query_id = await fake.press(3, offer.message_id, "accept")
        edited = await fake.wait_for_message(3, contains="You chose accept")

    answer = fake.answered_callback(query_id)
    assert answer is not None and answer.params["text"] == "Noted"
    assert edited.message_id == offer.message_id
    assert edited.edits[0].text == "<b>Keep</b> this entry?"
    # Editing the text without reply_markup drops the keyboard, as on Telegram.
    assert edited.buttons == []


async def test_user_edits_and_deleted_user_messages(fake: FakeBotAPI) -> None:
    app = build_app(fake)

    async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.edited_message is not None
        await context.bot.send_message(update.edited_message.chat.id, "saw your edit")

    async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        # Replying before deleting: waiting "after" the deleted message must still see it.
        await context.bot.send_message(update.message.chat.id, "got it")
        await update.message.delete()

    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edit))
    app.add_handler(MessageHandler(filters.Regex("^password"), forget))
    async with running(app):
        secret = await fake.send_text(4, "password hunter2")
        draft = await fake.send_text(4, "draft")
        await fake.wait_for_call("deleteMessage")
        await fake.wait_for_message(4, contains="got it", after=secret)
        await fake.edit_text(4, draft, "final")
        await fake.wait_for_message(4, contains="saw your edit", after=draft)
        await fake.settle()

    stored = fake.user_message(4, secret)
    assert stored is not None and stored.deleted
    edited = fake.user_message(4, draft)
    assert edited is not None and not edited.deleted and edited.text == "final"
    assert [m.text for m in fake.messages(4)] == ["got it", "saw your edit"]


async def test_forged_press_on_unknown_message_still_arrives(fake: FakeBotAPI, bot: Bot) -> None:
    query_id = await fake.press(8, 777, "delete:everything")
    (update,) = await bot.get_updates(timeout=0)
    assert update.callback_query is not None
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == 777
    assert update.callback_query.data == "delete:everything"
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("hacked", chat_id=8, message_id=777)
    assert await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)


# -- errors Telegram would give ---------------------------------------------------------------


async def test_flood_error_surfaces_as_retry_after(fake: FakeBotAPI, bot: Bot) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(1, "hi")
    assert caught.value._retry_after == dtm.timedelta(seconds=3)
    assert (await bot.send_message(1, "hi")).text == "hi"  # only the next call failed


async def test_blocked_user_gives_forbidden_until_unblocked(fake: FakeBotAPI, bot: Bot) -> None:
    fake.block_user(9)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(9, "reminder")
    assert await bot.send_message(10, "others still get messages")
    fake.unblock_user(9)
    assert await bot.send_message(9, "reminder")

    fake.fail_next("sendMessage", status=403, chat_id=11)
    with pytest.raises(Forbidden):
        await bot.send_message(11, "x")
    fake.fail_next("sendMessage", status=500)
    with pytest.raises(TelegramError, match=r"(?i)Internal Server Error"):
        await bot.send_message(11, "x")


async def test_invalid_requests_are_rejected_like_telegram(fake: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(1, "a" * 4097)
    # The limit applies to the text after HTML parsing.
    fits = await bot.send_message(1, "<b>" + "&amp;" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    assert fits.text == "&" * 4096
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(1, "  ")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(1, "1 < 2", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(1, "<b>bold</i>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(1, "line<br>break", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities.*reserved"):
        await bot.send_message(1, "Done.", parse_mode=ParseMode.MARKDOWN_V2)
    assert (
        await bot.send_message(1, "*Done*\\.", parse_mode=ParseMode.MARKDOWN_V2)
    ).text == "Done."

    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(1, "pick", reply_markup=too_long)
    longest = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 32)]])
    assert await bot.send_message(1, "pick", reply_markup=longest)

    sent = await bot.send_message(1, "same", reply_markup=choice_keyboard())
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "same", chat_id=1, message_id=sent.message_id, reply_markup=choice_keyboard()
        )
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(1, sent.message_id, reply_markup=choice_keyboard())
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=1, message_id=9999)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(1, 9999)
    assert await bot.delete_message(1, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(1, sent.message_id)
    assert sent.message_id not in [m.message_id for m in fake.messages(1)]
    rejected = [c for c in fake.calls if c.error]
    assert all(c.error and c.error["error_code"] == 400 for c in rejected)


def test_html_parsing_matches_telegram() -> None:
    parsed = parse_html('<b>Hi</b> &lt;3 <a href="https://x.org/?a=1&amp;b=2">link</a> 😀<i>!</i>')
    assert parsed.text == "Hi <3 link 😀!"
    assert parsed.entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "text_link", "offset": 6, "length": 4, "url": "https://x.org/?a=1&b=2"},
        # The emoji is two UTF-16 units, so the italic "!" starts at 13.
        {"type": "italic", "offset": 13, "length": 1},
    ]


# -- files ------------------------------------------------------------------------------------


async def test_photo_and_document_uploads_are_kept(fake: FakeBotAPI, bot: Bot) -> None:
    photo = await bot.send_photo(2, PNG_2X3, caption="Your <i>week</i>", parse_mode="HTML")
    assert photo.caption == "Your week"
    assert (photo.photo[-1].width, photo.photo[-1].height) == (2, 3)
    document = await bot.send_document(2, b"date,mood\n2024-01-01,5\n", filename="export.csv")
    assert document.document is not None and document.document.file_name == "export.csv"

    sent_photo, sent_doc = fake.messages(2)
    assert sent_photo.photo == PNG_2X3
    assert sent_photo.plain_text == "Your week"
    assert sent_photo.file_path is not None and sent_photo.file_path.read_bytes() == PNG_2X3
    assert sent_doc.document == b"date,mood\n2024-01-01,5\n"
    assert sent_doc.filename == "export.csv"
    assert sent_doc.file_path is not None and sent_doc.file_path.name.endswith("export.csv")


async def test_a_photo_is_replaced_in_place_but_text_cannot_become_media(
    fake: FakeBotAPI, bot: Bot
) -> None:
    photo = await bot.send_photo(2, PNG_2X3, caption="30 days")
    other = PNG_2X3 + b"\x00"  # other bytes, still a readable 2x3 PNG
    edited = await bot.edit_message_media(
        InputMediaPhoto(other, caption="<b>90</b> days", parse_mode="HTML"),
        chat_id=2,
        message_id=photo.message_id,
    )
    assert isinstance(edited, Message) and edited.caption == "90 days"
    [stored] = fake.messages(2)
    assert stored.photo == other and stored.plain_text == "90 days"
    assert [e.caption for e in stored.edits] == ["30 days"]

    text = await bot.send_message(2, "no chart yet")
    with pytest.raises(BadRequest, match="no media"):
        await bot.edit_message_media(
            InputMediaPhoto(PNG_2X3), chat_id=2, message_id=text.message_id
        )


async def test_bot_can_download_a_photo_the_user_sent(fake: FakeBotAPI, bot: Bot) -> None:
    await fake.send_photo(6, caption="my desk", data=PNG_2X3)
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.caption == "my desk"
    file = await update.message.photo[-1].get_file()
    assert bytes(await file.download_as_bytearray()) == PNG_2X3


async def test_slow_answer_times_out_without_effect(fake: FakeBotAPI, bot: Bot) -> None:
    fake.delay("sendMessage", 30)
    with pytest.raises(TimedOut):
        await bot.send_message(1, "are you there?", read_timeout=0.2)
    abandoned = await fake.wait_for_call("sendMessage")
    assert abandoned.error is not None and abandoned.error["description"] == "client disconnected"
    assert fake.messages(1) == []
    fake.delay("sendMessage", 0)
    assert (await bot.send_message(1, "retry")).text == "retry"


# -- rate limits ------------------------------------------------------------------------------


async def test_rate_limits_when_enforced() -> None:
    now = [1000.0]
    api = FakeBotAPI(enforce_rate_limits=True, clock=lambda: now[0])
    async with api, Bot(DEFAULT_TOKEN, base_url=api.base_url) as limited:
        for _ in range(FakeBotAPI.CHAT_BURST):
            await limited.send_message(1, "burst")
        with pytest.raises(RetryAfter):
            await limited.send_message(1, "one too many")
        now[0] += 1.0
        assert await limited.send_message(1, "after a second")

        now[0] += 10.0
        for chat in range(100, 100 + FakeBotAPI.GLOBAL_SENDS_PER_SECOND):
            await limited.send_message(chat, "broadcast")
        with pytest.raises(RetryAfter):
            await limited.send_message(999, "31st within a second")
    assert api.max_sends_per_second() == FakeBotAPI.GLOBAL_SENDS_PER_SECOND
    assert api.max_sends_per_second(chat_id=1) == FakeBotAPI.CHAT_BURST


# -- webhook ----------------------------------------------------------------------------------


async def test_webhook_mode_delivers_updates_by_post(fake: FakeBotAPI, bot: Bot) -> None:
    app = build_app(fake)
    app.add_handler(MessageHandler(filters.TEXT, echo))
    port = free_port()
    async with running(app, webhook_port=port):
        info = await bot.get_webhook_info()
        assert info.url == f"http://127.0.0.1:{port}/hook"
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)
        await fake.send_text(12, "via webhook")
        reply = await fake.wait_for_message(12, contains="echo: via webhook")
    assert reply.chat_id == 12
    assert (await bot.get_webhook_info()).pending_update_count == 0

    await fake.send_text(12, "queued while the bot is down")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates(timeout=0) == ()


# -- waiting helpers and the terminal ---------------------------------------------------------


async def test_wait_timeout_reports_the_transcript(fake: FakeBotAPI) -> None:
    await fake.send_text(13, "anyone there?")
    with pytest.raises(AssertionError, match=r"(?i)anyone there"):
        await fake.wait_for_message(13, contains="reply", timeout=0.05)


async def test_terminal_chat_numbers_buttons_and_presses_them(fake: FakeBotAPI) -> None:
    app = build_app(fake)
    pressed: list[str] = []

    async def remember_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None and update.callback_query.data is not None
        pressed.append(update.callback_query.data)
        await on_choice(update, context)

    app.add_handler(CommandHandler("start", offer_choice))
    app.add_handler(CallbackQueryHandler(remember_choice))
    output: list[str] = []
    changed = asyncio.Event()

    def write(text: str) -> None:
        output.append(text)
        changed.set()

    async def shown(check: Callable[[str], bool]) -> None:
        while not check("\n".join(output)):
            changed.clear()
            await asyncio.wait_for(changed.wait(), 10)

    script = iter(["/start", "1", "/quit"])

    async def read_line(prompt: str) -> str | None:
        line = next(script)
        if line == "1":
            await shown(lambda text: "[1] Accept  [2] Reject" in text)
        if line == "/quit":
            await shown(lambda text: "(edited)" in text and "ℹ️  Noted" in text)
        return line

    async with running(app):
        await run_terminal_chat(fake, user_id=21, read_line=read_line, write=write)

    transcript = "\n".join(output)
    assert "bot> Keep this entry?" in transcript
    assert "bot (edited)> You chose accept" in transcript
    assert pressed == ["accept"]


async def test_groups_supergroups_and_channels(fake: FakeBotAPI, bot: Bot) -> None:
    fake.add_group(-10, "group", "Friends")
    fake.add_group(-1000000000011, "supergroup")
    fake.add_group(-1000000000012, "channel")
    await fake.send_text(7, "/entries", chat_id=-10)
    await fake.send_text(7, "hello", chat_id=-1000000000011)
    await fake.send_text(7, "a post", chat_id=-1000000000012)
    await fake.press(7, 1, "acc::new", chat_id=-10)
    await fake.add_bot_to_group(7, -20)
    updates = await bot.get_updates(timeout=0)
    group, supergroup, channel, press, added = updates

    assert group.message is not None and group.message.chat.type == "group"
    assert group.message.chat.title == "Friends" and group.message.from_user is not None
    assert group.message.from_user.id == 7 and group.message.text == "/entries"
    assert supergroup.effective_chat is not None and supergroup.effective_chat.type == "supergroup"
    assert channel.channel_post is not None and channel.channel_post.from_user is None
    assert channel.channel_post.sender_chat is not None
    assert press.callback_query is not None and press.effective_chat is not None
    assert press.effective_chat.id == -10 and press.callback_query.from_user.id == 7
    assert added.my_chat_member is not None and added.my_chat_member.chat.id == -20
    assert added.my_chat_member.new_chat_member.status == "member"

    assert await bot.leave_chat(-10)
    assert -10 in fake.left_chats
    with pytest.raises(Forbidden):
        await bot.send_message(-10, "still here?")
    with pytest.raises(BadRequest):
        await bot.leave_chat(7)  # a private chat cannot be left
