"""``python -m bot demo``: the real bot, talking HTTP to the in-process Bot API emulator, with this
terminal as the learner's phone. Inline buttons are shown as numbers; typing a number presses it.

Works with piped input too (one line per turn), which is how the tests drive it.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

from sqlalchemy import delete

from bot.demo.emulator import BotApiEmulator, BotMessage, TgUser
from bot.services import Services, build_services, stderr
from bot.settings import Settings
from bot.telegram.application import build_application, running
from bot.telegram.models import InboxUpdate, OutboxMessage
from catalog.progress import progress_bar

DEMO_USER_ID = 1001
UPLOAD = "/upload "  # typed in the terminal: send that file to the bot, as a phone would
DEMO_PHONE = "+85512345678"  # what "share my phone number" shares in the demo
KEYBOARD = -1  # the buttons are the reply keyboard's, not a message's
SETTLE_SECONDS = 0.4  # a turn is over when the bot has been quiet this long
INTRO = ("Demo chat with the advisor (an in-process Telegram emulator; nothing leaves this machine).\n"
         "Type a goal in Khmer, Vietnamese or English, a /command, or the number of a button. "
         "Empty line or Ctrl-D quits.\n"
         f"You are also an admin: after enrolling, /complete PROVIDER:CODE {DEMO_USER_ID} issues your credential "
         "(a course's PROVIDER:CODE is the 🏷 line of its details). /provider asks for a provider account "
         "(approve it yourself), then `/upload PATH` sends a course file; /program makes a campaign.\n")


def _snapshot(emu: BotApiEmulator) -> dict[int, tuple[int, str]]:
    return {m.message_id: (m.edits, m.text) for m in emu.messages(DEMO_USER_ID)}


def _show(emu: BotApiEmulator, message: BotMessage, out: TextIO, edited: bool, files: Path) -> None:
    """Print one bot message with numbered buttons (a file or picture it carries is saved, and its path
    printed)."""
    out.write(("\n✏️ " if edited else "\n🤖 ") + message.text.replace("\n", "\n   ") + "\n")
    attached = message.document or message.photo
    if attached is not None:
        files.mkdir(parents=True, exist_ok=True)
        name = attached.get("file_name") or f"{attached['file_id']}.png"
        path = files / name
        path.write_bytes(emu.file_bytes(attached["file_id"]))
        out.write(f"   📎 {path}\n")
    choices: list[str] = []
    for row in message.buttons:
        cells = []
        for label, data in row:
            choices.append(data)
            cells.append(f"[{len(choices)}] {label}")
        out.write("   " + "   ".join(cells) + "\n")
    out.flush()


async def _turn(emu: BotApiEmulator, before: dict[int, tuple[int, str]], out: TextIO, files: Path,
                timeout: float = 60.0) -> tuple[int, list[str]] | None:
    """Wait for the bot's answer to one turn and print it; returns the newest message with buttons and
    their callback data, if any."""
    try:
        await emu.wait_for(lambda: _snapshot(emu) != before, timeout=timeout)
    except TimeoutError:
        out.write("\n(the bot did not answer)\n")
    while True:  # let multi-message answers finish
        current = _snapshot(emu)
        await asyncio.sleep(SETTLE_SECONDS)
        if _snapshot(emu) == current:
            break
    latest: tuple[int, list[str]] | None = None
    for message in emu.messages(DEMO_USER_ID):
        if before.get(message.message_id) != (message.edits, message.text):
            _show(emu, message, out, edited=message.message_id in before, files=files)
        if message.buttons:  # numbers always press the newest buttons still on screen
            latest = (message.message_id, [data for row in message.buttons for _, data in row])
    keys = [label for row in emu.keyboard(DEMO_USER_ID) for label in row]
    if keys:  # a keyboard under the text field (the phone number question) comes first
        out.write("   ⌨ " + "   ".join(f"[{i}] {label}" for i, label in enumerate(keys, 1)) + "\n")
        latest = (KEYBOARD, keys)
    return latest


DEMO_PUBLIC_URL = "https://advisor.demo.invalid"  # .invalid: no credential of the demo can pass for a real one


def demo_settings(settings: Settings, emu: BotApiEmulator) -> Settings:
    """The demo's own SQLite database, index and keys under ``<data dir>/demo``, with the sample
    catalog: the demo never touches the operator's database (nor loads invented courses into it). The
    demo user is an admin, so that the whole chain can be tried: enrol, then ``/complete``."""
    folder = settings.catalog.data_dir / "demo"
    catalog = settings.catalog.model_copy(update={"data_dir": folder, "index_dir": folder / "index",
                                                  "database_url": f"sqlite:///{folder / 'advisor.db'}"})
    credentials = settings.credentials.model_copy(update={"public_url": DEMO_PUBLIC_URL, "keys_dir": folder / "keys"})
    telegram = settings.telegram.model_copy(update={"admin_ids": (DEMO_USER_ID,)})
    demo = Settings(catalog=catalog, telegram=telegram, credentials=credentials)
    return demo.with_bot_api(token=emu.token, api_url=emu.api_url, file_url=emu.file_url)


def _fresh_chat(services: Services, bot_id: int) -> None:
    """Each demo talks to a new emulator: what an earlier demo left unsent has nowhere to go."""
    with services.unit_of_work() as uow:
        uow.session.execute(delete(InboxUpdate).where(InboxUpdate.bot_id == bot_id))
        uow.session.execute(delete(OutboxMessage).where(OutboxMessage.bot_id == bot_id))
        uow.commit()


async def run_demo(settings: Settings, *, language_code: str | None = None, stdin: TextIO | None = None,
                   out: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    async with BotApiEmulator() as emu:
        settings = demo_settings(settings, emu)
        with progress_bar("Embedding courses") as bar:
            services = await asyncio.to_thread(build_services, settings, say=stderr, progress=bar, sample=True)
        await asyncio.to_thread(_fresh_chat, services, emu.bot_id)
        user = TgUser(DEMO_USER_ID, first_name="Demo", language_code=language_code)
        files = settings.catalog.data_dir / "files"  # what the bot sends: credentials, certificates
        async with running(build_application(settings, services)):
            out.write(INTRO)
            before = _snapshot(emu)
            emu.send_text(user, "/start")
            out.write("\n> /start\n")
            buttons = await _turn(emu, before, out, files)
            while True:
                out.write("\n> ")
                out.flush()
                line = (await asyncio.to_thread(stdin.readline)).strip()
                if not line:
                    break
                before = _snapshot(emu)
                if not stdin.isatty():  # echo piped input so the transcript reads like a chat
                    out.write(line + "\n")
                if line.startswith(UPLOAD):  # the terminal's way of sending a file from the phone
                    path = Path(line[len(UPLOAD):].strip()).expanduser()
                    if not path.is_file():
                        out.write(f"(no file {path})\n")
                        continue
                    emu.send_document(user, path.name, path.read_bytes(), mime_type="application/octet-stream")
                elif line.isdigit() and len(line) <= 2:
                    if not buttons or not 1 <= int(line) <= len(buttons[1]):
                        out.write(f"(no button {line} on the last message)\n")
                        continue
                    choice = buttons[1][int(line) - 1]
                    if buttons[0] == KEYBOARD:
                        emu.tap_keyboard(user, choice, phone_number=DEMO_PHONE)
                    else:
                        emu.press(user, buttons[0], choice)
                else:
                    emu.send_text(user, line)
                buttons = await _turn(emu, before, out, files)
    out.write("\nBye.\n")
    return 0
