"""The Bot API emulator, exercised through a real python-telegram-bot Bot/Application over HTTP.

Each test runs its own event loop (``asyncio.run``) and emulator on a random port, so tests are
independent. They check the behaviour the rest of the suite relies on: the wire contract PTB speaks
and the places where Telegram is strict.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Coroutine
from typing import Any

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.demo.emulator import BotApiEmulator, EntityParseError, TgUser, parse_html

AnyApp = Application[Any, Any, Any, Any, Any, Any]
SOKHA = TgUser(42, "Sokha", language_code="km", username="sokha")
LAN = TgUser(43, "Lan", language_code="vi")


def run(coro: Coroutine[Any, Any, None]) -> None:
    asyncio.run(coro)


def make_bot(emu: BotApiEmulator, token: str | None = None) -> Bot:
    return Bot(token or emu.token, base_url=emu.api_url, base_file_url=emu.file_url)


@contextlib.asynccontextmanager
async def polling_app(emu: BotApiEmulator, *handlers: BaseHandler[Any, Any, Any]) -> AsyncIterator[AnyApp]:
    app = ApplicationBuilder().token(emu.token).base_url(emu.api_url).base_file_url(emu.file_url).build()
    for handler in handlers:
        app.add_handler(handler)
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


# ---- through a polling Application -----------------------------------------------------------


def test_command_reaches_command_handler_with_args_and_language() -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        await update.effective_message.reply_text(f"args={context.args} lang={user.language_code}")

    async def scenario() -> None:
        async with BotApiEmulator() as emu, polling_app(emu, CommandHandler("start", start)):
            mark = emu.last_message_id(SOKHA.id)
            emu.send_text(SOKHA, "/start camp-1")
            [reply] = await emu.replies(SOKHA.id, after=mark)
            assert reply.text == "args=['camp-1'] lang=km"
            emu.send_text(SOKHA, "/start@advisor_test_bot again")
            [second] = await emu.replies(SOKHA.id, after=reply.message_id)
            assert second.text == "args=['again'] lang=km"
            methods = [name for name, _ in emu.calls]
            assert methods[:2] == ["getMe", "deleteWebhook"]
            assert second.message_id == reply.message_id + 2  # one id counter per chat, shared with the user
        assert emu.pending_updates() == 0  # the updater confirmed everything on stop

    run(scenario())


def test_many_users_at_once() -> None:
    async def echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(f"hi {update.effective_user.first_name}")

    async def scenario() -> None:
        async with BotApiEmulator() as emu, polling_app(emu, MessageHandler(filters.TEXT, echo)):
            users = [TgUser(1000 + n, f"U{n}") for n in range(60)]
            for user in users:
                emu.send_text(user, "hello")
            await emu.wait_for(lambda: all(emu.messages(u.id) for u in users), timeout=8)
            assert all(emu.messages(u.id)[0].text == f"hi {u.first_name}" for u in users)

    run(scenario())


def test_button_press_answers_query_and_edits_message() -> None:
    seen_message_texts: list[str] = []

    async def menu(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("✅ Enrol", callback_data="enr:17")],
                                         [InlineKeyboardButton("Site", url="https://example.org/c/17")]])
        await update.effective_message.reply_html("<b>Welding</b> course", reply_markup=keyboard)

    async def pressed(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        seen_message_texts.append(query.message.text)
        await query.answer("ok")
        await query.edit_message_text(f"chose {query.data}")

    async def scenario() -> None:
        async with BotApiEmulator() as emu, polling_app(emu, CommandHandler("menu", menu),
                                                        CallbackQueryHandler(pressed)):
            emu.send_text(SOKHA, "/menu")
            [shown] = await emu.replies(SOKHA.id, after=0)
            assert shown.text == "Welding course" and shown.html == "<b>Welding</b> course"
            assert shown.buttons == [[("✅ Enrol", "enr:17")], [("Site", "url:https://example.org/c/17")]]
            _, data = shown.find_button("Enrol")
            emu.press(SOKHA, shown, data)
            await emu.wait_for(lambda: emu.message(SOKHA.id, shown.message_id).edits == 1)
            edited = emu.message(SOKHA.id, shown.message_id)
            assert edited.text == "chose enr:17"
            assert edited.buttons == []  # an edit without reply_markup drops the keyboard, as on Telegram
            assert [a.get("text") for a in emu.callback_answers.values()] == ["ok"]
            assert seen_message_texts == ["Welding course"]
            with pytest.raises(ValueError, match="no button"):
                emu.press(SOKHA, shown.message_id, data)  # the keyboard is gone now

    run(scenario())


# ---- through a plain Bot -----------------------------------------------------------------------


def test_press_only_accepts_buttons_on_the_message() -> None:
    async def scenario() -> None:
        async with BotApiEmulator() as emu, make_bot(emu) as bot:
            emu.send_text(SOKHA, "hi")
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a"),
                                              InlineKeyboardButton("Web", url="https://example.org")]])
            sent = await bot.send_message(SOKHA.id, "pick", reply_markup=keyboard)
            message = emu.message(SOKHA.id, sent.message_id)
            with pytest.raises(ValueError, match="no button"):
                emu.press(SOKHA, message, "b")
            with pytest.raises(ValueError, match="no button"):
                emu.press(SOKHA, message, "url:https://example.org")  # a link opens, it sends no query
            with pytest.raises(ValueError, match="no bot message"):
                emu.press(SOKHA, 999, "a")
            with pytest.raises(ValueError):
                emu.press(LAN, message, "a")  # another user's chat
            with pytest.raises(LookupError, match=r"\['A', 'Web'\]"):
                message.find_button("Enrol")
            before = emu.pending_updates()
            emu.press(SOKHA, message, "a")
            assert emu.pending_updates() == before + 1

    run(scenario())


def test_command_entity_length_counts_utf16_code_units() -> None:
    async def scenario() -> None:
        async with BotApiEmulator() as emu, make_bot(emu) as bot:
            emu.send_text(SOKHA, "/start ចុះឈ្មោះ")
            emu.send_text(SOKHA, "/ជំនាញ១ x")  # Khmer in the command itself: 3 UTF-8 bytes, 1 UTF-16 unit each
            emu.send_text(SOKHA, "/go🎓 x")  # the emoji is 2 UTF-16 units
            updates = await bot.get_updates()
            commands = []
            for update in updates:
                message = update.message
                [entity] = message.entities
                assert entity.type == "bot_command" and entity.offset == 0
                commands.append(message.parse_entity(entity))
            assert commands == ["/start", "/ជំនាញ១", "/go🎓"]
            assert [u.message.entities[0].length for u in updates] == [6, 7, 5]
            assert updates[0].message.text == "/start ចុះឈ្មោះ"

    run(scenario())


def test_answering_a_callback_query_twice_is_rejected() -> None:
    async def scenario() -> None:
        async with BotApiEmulator() as emu, make_bot(emu) as bot:
            emu.send_text(SOKHA, "hi")
            sent = await bot.send_message(SOKHA.id, "x", reply_markup=InlineKeyboardMarkup.from_button(
                InlineKeyboardButton("Go", callback_data="go")))
            emu.press(SOKHA, sent.message_id, "go")
            first_batch = await bot.get_updates()
            query = first_batch[-1].callback_query
            assert query.message.date.year >= 2024 and query.message.text == "x"
            assert await bot.answer_callback_query(query.id, text="t" * 200)
            with pytest.raises(BadRequest, match=r"(?i)query is too old"):
                await bot.answer_callback_query(query.id)
            with pytest.raises(BadRequest, match=r"(?i)query is too old"):
                await bot.answer_callback_query("12345")
            emu.press(SOKHA, sent.message_id, "go")
            second = (await bot.get_updates(offset=first_batch[-1].update_id + 1))[-1].callback_query
            with pytest.raises(BadRequest, match=r"(?i)MESSAGE_TOO_LONG"):
                await bot.answer_callback_query(second.id, text="t" * 201)

    run(scenario())


def test_edit_that_changes_nothing_is_rejected() -> None:
    async def scenario() -> None:
        async with BotApiEmulator() as emu, make_bot(emu) as bot:
            emu.send_text(SOKHA, "hi")
            keyboard = InlineKeyboardMarkup.from_button(InlineKeyboardButton("Go", callback_data="go"))
            sent = await bot.send_message(SOKHA.id, "<b>Same</b>", parse_mode="HTML", reply_markup=keyboard)
            with pytest.raises(BadRequest, match=r"(?i)not modified"):
                await bot.edit_message_text("<strong>Same</strong>", SOKHA.id, sent.message_id,
                                            parse_mode="HTML", reply_markup=keyboard)
            await bot.edit_message_text("Same", SOKHA.id, sent.message_id, reply_markup=keyboard)  # bold lost
            await bot.edit_message_text("Same", SOKHA.id, sent.message_id)  # no reply_markup: keyboard removed
            current = emu.message(SOKHA.id, sent.message_id)
            assert (current.edits, current.text, current.buttons) == (2, "Same", [])
            with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
                await bot.edit_message_text("x", SOKHA.id, 999)
            with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
                await bot.edit_message_text("x", SOKHA.id, 1)  # the user's own "hi"

    run(scenario())


def test_inline_keyboard_validation() -> None:
    async def scenario() -> None:
        async with BotApiEmulator() as emu, make_bot(emu) as bot:
            emu.send_text(SOKHA, "hi")

            async def send(*buttons: InlineKeyboardButton) -> None:
                await bot.send_message(SOKHA.id, "k", reply_markup=InlineKeyboardMarkup([list(buttons)]))

            await send(InlineKeyboardButton("ok", callback_data="é" * 32))  # 64 bytes
            with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
                await send(InlineKeyboardButton("long", callback_data="a" * 65))
            with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
                await send(InlineKeyboardButton("bytes", callback_data="é" * 33))  # 33 characters, 66 bytes
            with pytest.raises(BadRequest, match=r"(?i)Text buttons are unallowed"):
                await send(InlineKeyboardButton("no action"))
            assert len(emu.messages(SOKHA.id)) == 1

    run(scenario())


def test_html_is_parsed_like_telegram() -> None:
    async def scenario() -> None:
        async with BotApiEmulator() as emu, make_bot(emu) as bot:
            emu.send_text(SOKHA, "hi")
            for bad, why in (("<script>x</script>", 'Unsupported start tag "script"'),
                             ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
                             ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
                             ("1 < 2", 'Unsupported start tag ""'),
                             ("</b>", "Unexpected end tag"),
                             ('<span class="x">y</span>', "tg-spoiler")):
                with pytest.raises(BadRequest, match=r"(?i)can't parse entities") as caught:
                    await bot.send_message(SOKHA.id, bad, parse_mode="HTML")
                assert why.lower() in caught.value.message.lower()
            sent = await bot.send_message(SOKHA.id, "🎓 <b>&lt;b&gt;Tom &amp; Jerry&#33;&lt;/b&gt;</b> "
                                                     '<a href="https://x.org/?a=1&amp;b=2">site</a> & co',
                                          parse_mode="HTML")
            assert sent.text == "🎓 <b>Tom & Jerry!</b> site & co"
            bold, link = sent.entities
            assert sent.parse_entity(bold) == "<b>Tom & Jerry!</b>" and bold.offset == 3  # emoji = 2 units
            assert link.url == "https://x.org/?a=1&b=2" and sent.parse_entity(link) == "site"
            plain = await bot.send_message(SOKHA.id, "<b>not parsed</b>")
            assert plain.text == "<b>not parsed</b>" and not plain.entities
            assert emu.messages(SOKHA.id)[0].html.startswith("🎓 <b>&lt;b&gt;")

    run(scenario())


def test_text_length_limits_apply_after_parsing() -> None:
    async def scenario() -> None:
        async with BotApiEmulator() as emu, make_bot(emu) as bot:
            emu.send_text(SOKHA, "hi")
            await bot.send_message(SOKHA.id, "x" * 4096)
            await bot.send_message(SOKHA.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
            with pytest.raises(BadRequest, match=r"(?i)message is too long"):
                await bot.send_message(SOKHA.id, "x" * 4097)
            with pytest.raises(BadRequest, match=r"(?i)message is too long"):
                await bot.send_message(SOKHA.id, "🎓" * 2049)  # 2049 characters but 4098 UTF-16 units
            with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
                await bot.send_message(SOKHA.id, "<b> </b>", parse_mode="HTML")
            assert len(emu.messages(SOKHA.id)) == 2

    run(scenario())


def test_documents_round_trip_through_get_file() -> None:
    content = "code,title\nW-1,សំណង់\n".encode()
    received: list[bytes] = []

    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        file = await context.bot.get_file(update.message.document.file_id)
        received.append(bytes(await file.download_as_bytearray()))
        await update.message.reply_text(f"got {update.message.document.file_name}")

    async def scenario() -> None:
        async with BotApiEmulator() as emu, polling_app(emu, MessageHandler(filters.Document.ALL, on_document)):
            emu.send_document(SOKHA, "catalog.csv", content, caption="Q3")
            [reply] = await emu.replies(SOKHA.id, after=0)
            assert reply.text == "got catalog.csv" and received == [content]
            assert emu.downloads and emu.downloads[0].startswith("documents/")

    run(scenario())


def test_bot_uploads_and_file_errors() -> None:
    async def scenario() -> None:
        async with BotApiEmulator() as emu, make_bot(emu) as bot:
            emu.send_text(SOKHA, "hi")
            sent = await bot.send_document(SOKHA.id, b"a,b\n1,2\n", filename="export.csv",
                                           caption="<i>Export</i>", parse_mode="HTML")
            assert (sent.document.file_name, sent.document.file_size, sent.caption) == ("export.csv", 8, "Export")
            assert emu.file_bytes(sent.document.file_id) == b"a,b\n1,2\n"
            assert emu.messages(SOKHA.id)[0].document["file_name"] == "export.csv"
            again = await bot.send_document(SOKHA.id, sent.document.file_id)  # re-send by file_id
            assert again.document.file_id == sent.document.file_id
            assert await (await bot.get_file(sent.document.file_id)).download_as_bytearray() == b"a,b\n1,2\n"
            with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
                await bot.get_file("nope")
            with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
                await bot.send_document(SOKHA.id, b"x", filename="x.txt", caption="c" * 1025)
            emu.send_document(SOKHA, "big.bin", bytes(20_000_001), mime_type="application/octet-stream")
            [update] = [u for u in await bot.get_updates() if u.message and u.message.document]
            with pytest.raises(BadRequest, match=r"(?i)file is too big"):
                await bot.get_file(update.message.document.file_id)
            emu.send_sticker(SOKHA)
            emu.send_photo(SOKHA)
            last = await bot.get_updates(offset=update.update_id + 1)
            assert last[0].message.sticker.width == 512 and len(last[1].message.photo) == 2
            assert await (await bot.get_file(last[1].message.photo[-1].file_id)).download_as_bytearray()

    run(scenario())


def test_updates_stay_queued_until_confirmed_by_offset() -> None:
    async def scenario() -> None:
        async with BotApiEmulator() as emu, make_bot(emu) as bot:
            first = emu.send_text(SOKHA, "one")
            second = emu.send_text(LAN, "two")
            assert second == first + 1 and emu.pending_updates() == 2
            fetched = await bot.get_updates()
            assert [u.update_id for u in fetched] == [first, second]
            again = await bot.get_updates()  # not confirmed: a restarted bot sees them again
            assert [u.update_id for u in again] == [first, second]
            assert [u.update_id for u in await bot.get_updates(offset=second)] == [second]
            assert emu.pending_updates() == 1
            assert await bot.get_updates(offset=second + 1) == ()
            assert emu.pending_updates() == 0
            # A redelivery of an update the bot already confirmed still arrives, once.
            raw = fetched[0].to_dict()
            assert emu.push_update(raw) == first
            assert [u.update_id for u in await bot.get_updates(offset=second + 1)] == [first]
            assert await bot.get_updates(offset=second + 1) == ()
            third = emu.push_update({"message": {**raw["message"], "message_id": 50, "text": "raw"}})
            assert third == second + 1
            assert [u.message.text for u in await bot.get_updates(offset=second + 1, limit=5)] == ["raw"]

    run(scenario())


def test_second_get_updates_evicts_the_first_with_conflict() -> None:
    async def scenario() -> None:
        async with BotApiEmulator() as emu, make_bot(emu) as bot, make_bot(emu) as other:
            first = asyncio.create_task(bot.get_updates(timeout=5))
            await emu.wait_for(lambda: len(emu.calls_to("getUpdates")) == 1, timeout=2)
            assert await other.get_updates(timeout=0) == ()
            with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates"):
                await asyncio.wait_for(first, 2)

    run(scenario())


def test_long_poll_wakes_on_new_update_and_times_out_empty() -> None:
    async def scenario() -> None:
        async with BotApiEmulator() as emu, make_bot(emu) as bot:
            poll = asyncio.create_task(bot.get_updates(timeout=5))
            await emu.wait_for(lambda: len(emu.calls_to("getUpdates")) == 1, timeout=2)
            await asyncio.sleep(0.1)
            assert not poll.done()  # it is held, not answered with []
            pushed = time.monotonic()
            emu.send_text(SOKHA, "wake")
            updates = await asyncio.wait_for(poll, 2)
            assert time.monotonic() - pushed < 0.5
            assert [u.message.text for u in updates] == ["wake"]
            started = time.monotonic()
            assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=1) == ()
            assert 0.9 <= time.monotonic() - started < 2

    run(scenario())


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own RetryAfter.__init__
def test_rate_limiter_retries_after_429() -> None:
    async def scenario() -> None:
        async with BotApiEmulator() as emu:
            builder = ApplicationBuilder().token(emu.token).base_url(emu.api_url).base_file_url(emu.file_url)
            app = builder.rate_limiter(AIORateLimiter(max_retries=2)).build()
            emu.send_text(SOKHA, "hi")
            async with app:
                emu.fail_next("sendMessage", status=429, retry_after=1)
                started = time.monotonic()
                await app.bot.send_message(SOKHA.id, "after the flood wait")
                assert time.monotonic() - started >= 1.0
            assert emu.rejected_429 == 1
            assert [p["text"] for p in emu.calls_to("sendMessage")] == ["after the flood wait"] * 2
            assert [m.text for m in emu.messages(SOKHA.id)] == ["after the flood wait"]

    run(scenario())


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_faults_blocking_and_bad_tokens_map_to_ptb_errors() -> None:
    async def scenario() -> None:
        async with BotApiEmulator() as emu, make_bot(emu) as bot:
            emu.send_text(SOKHA, "hi")
            emu.fail_next(None, status=429, retry_after=3)
            with pytest.raises(RetryAfter, match=r"(?i)Retry in 3 seconds"):
                await bot.send_message(SOKHA.id, "x")
            assert await bot.get_updates(timeout=0)  # getUpdates is exempt from method=None faults
            await bot.send_message(SOKHA.id, "fault used up")
            emu.block(SOKHA.id)
            with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
                await bot.send_message(SOKHA.id, "x")
            emu.unblock(SOKHA.id)
            assert await bot.send_message(SOKHA.id, "unblocked")
            with pytest.raises(BadRequest, match=r"(?i)chat not found"):
                await bot.send_message(777, "nobody wrote to the bot from here")
            with pytest.raises(EndPointNotFound):  # a 404 from an initialized bot
                await bot.do_api_request("noSuchMethod")
            assert emu.rejected_429 == 1
        async with BotApiEmulator() as emu:
            with pytest.raises(InvalidToken):
                await make_bot(emu, "999:WRONG").get_me()

    run(scenario())


def test_commands_and_raw_http_encodings() -> None:
    async def scenario() -> None:
        async with BotApiEmulator() as emu, make_bot(emu) as bot:
            from telegram import BotCommand

            assert await bot.set_my_commands([BotCommand("start", "Begin"), BotCommand("help", "Help")],
                                             language_code="km")
            assert [c.command for c in await bot.get_my_commands(language_code="km")] == ["start", "help"]
            with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
                await bot.set_my_commands([BotCommand("Start", "Begin")])
            with pytest.raises(BadRequest, match=r"(?i)DESCRIPTION_INVALID"):
                await bot.set_my_commands([BotCommand("start", "d" * 257)])
            emu.send_text(SOKHA, "hi")
            base = f"{emu.api_url}{emu.token}"
            async with aiohttp.ClientSession() as http:
                async with http.get(f"{base}/GETME") as response:  # method names are case-insensitive
                    assert (await response.json())["result"]["username"] == "advisor_test_bot"
                async with http.post(f"{base}/sendMessage", data={"chat_id": "42", "text": "123"}) as response:
                    assert (await response.json())["result"]["text"] == "123"
                async with http.post(f"{base}/sendmessage", json={"chat_id": 42, "text": "json body"}) as response:
                    assert response.status == 200
                async with http.post(f"{base}/sendMessage", data={"chat_id": "@sokha", "text": "x"}) as response:
                    assert response.status == 400
                async with http.get(f"{emu.file_url}{emu.token}/documents/none.csv") as response:
                    assert response.status == 404
            assert emu.calls_to("sendMessage")[0] == {"chat_id": 42, "text": "123"}  # text stays a string
            assert [m.text for m in emu.messages(SOKHA.id)] == ["123", "json body"]

    run(scenario())


def test_wait_helpers_time_out_with_a_useful_message() -> None:
    async def scenario() -> None:
        async with BotApiEmulator() as emu, make_bot(emu) as bot:
            emu.send_text(SOKHA, "hi")
            await bot.send_message(SOKHA.id, "only one")
            with pytest.raises(TimeoutError, match="'only one'"):
                await emu.replies(SOKHA.id, after=0, count=2, timeout=0.05)
            with pytest.raises(TimeoutError, match="sendMessage"):
                await emu.wait_for(lambda: False, timeout=0.05)
            assert [m.text for m in await emu.replies(SOKHA.id, after=0, timeout=0.05)] == ["only one"]
            assert emu.last_message_id(SOKHA.id) == 2 and emu.last_message_id(999) == 0

    run(scenario())


def test_stop_releases_a_pending_long_poll() -> None:
    async def scenario() -> None:
        emu = BotApiEmulator()
        await emu.start()
        bot = make_bot(emu)
        await bot.initialize()
        poll = asyncio.create_task(bot.get_updates(timeout=5))
        await emu.wait_for(lambda: bool(emu.calls_to("getUpdates")), timeout=2)
        started = time.monotonic()
        await emu.stop()
        assert await asyncio.wait_for(poll, 2) == ()
        assert time.monotonic() - started < 1.5
        await bot.shutdown()

    run(scenario())


# ---- the HTML parser on its own --------------------------------------------------------------


@pytest.mark.parametrize(("source", "text", "entities"), [
    ("a &lt;b&gt; &amp; &quot;c&quot;", 'a <b> & "c"', []),
    ("Tom & Jerry &nbsp; &#x41;&#66", "Tom & Jerry &nbsp; AB", []),  # Telegram keeps unknown "&" literally
    ("<B>x</B>", "x", [{"type": "bold", "offset": 0, "length": 1}]),
    ('<pre><code class="language-python">x=1</code></pre>', "x=1",
     [{"type": "pre", "offset": 0, "length": 3, "language": "python"}]),
    ("<blockquote expandable>q</blockquote><tg-spoiler>s</tg-spoiler>", "qs",
     [{"type": "expandable_blockquote", "offset": 0, "length": 1}, {"type": "spoiler", "offset": 1, "length": 1}]),
    ("<b>a<i>b</i></b>", "ab",
     [{"type": "bold", "offset": 0, "length": 2}, {"type": "italic", "offset": 1, "length": 1}]),
])
def test_parse_html_accepts(source: str, text: str, entities: list[dict[str, Any]]) -> None:
    assert parse_html(source) == (text, entities)


@pytest.mark.parametrize(("source", "detail"), [
    ("<br>", 'Unsupported start tag "br" at byte offset 0'),
    ("ខ<u>x</i>", 'Unmatched end tag at byte offset 7, expected "</u>", found "</i>"'),  # offsets are in bytes
    ("<a href='x'", "Unclosed start tag at byte offset 0"),
    ("<b x>y</b>", 'Expected equal sign in declaration of an attribute of the tag "b"'),
    ("<tg-emoji>🙂</tg-emoji>", 'must have attribute "emoji-id"'),
])
def test_parse_html_rejects(source: str, detail: str) -> None:
    with pytest.raises(EntityParseError, match="can't parse entities") as caught:
        parse_html(source)
    assert detail in str(caught.value)
