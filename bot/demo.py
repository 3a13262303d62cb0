"""``python -m bot demo``: the real bot, talking HTTP to the in-process Bot API emulator, with this
terminal as the learner's phone. Inline buttons are shown as numbers; typing a number presses it.

Works with piped input too (one line per turn), which is how the tests drive it.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from typing import TextIO

from bot.app import ALLOWED_UPDATES, build_application
from bot.config import BotSettings
from bot.emulator import BotApiEmulator, BotMessage, TgUser
from bot.runtime import prepare

DEMO_USER_ID = 1001
SETTLE_SECONDS = 0.4  # a turn is over when the bot has been quiet this long
INTRO = ("Demo chat with the advisor (an in-process Telegram emulator; nothing leaves this machine).\n"
         "Type a goal in Khmer, Vietnamese or English, a /command, or the number of a button. "
         "Empty line or Ctrl-D quits.\n")


def _snapshot(emu: BotApiEmulator) -> dict[int, tuple[int, str]]:
    return {m.message_id: (m.edits, m.text) for m in emu.messages(DEMO_USER_ID)}


def _show(message: BotMessage, out: TextIO, edited: bool) -> list[str]:
    """Print one bot message with numbered buttons; returns the callback data by number."""
    out.write(("\n✏️ " if edited else "\n🤖 ") + message.text.replace("\n", "\n   ") + "\n")
    choices: list[str] = []
    for row in message.buttons:
        cells = []
        for label, data in row:
            choices.append(data)
            cells.append(f"[{len(choices)}] {label}")
        out.write("   " + "   ".join(cells) + "\n")
    out.flush()
    return choices


async def _turn(emu: BotApiEmulator, before: dict[int, tuple[int, str]], out: TextIO,
                timeout: float = 60.0) -> tuple[int, list[str]] | None:
    """Wait for the bot's answer to one turn and print it; returns the message with buttons, if any."""
    try:
        await emu.wait_for(lambda: _snapshot(emu) != before, timeout=timeout)
    except TimeoutError:
        out.write("\n(the bot did not answer)\n")
        return None
    while True:  # let multi-message answers finish
        current = _snapshot(emu)
        await asyncio.sleep(SETTLE_SECONDS)
        if _snapshot(emu) == current:
            break
    latest: tuple[int, list[str]] | None = None
    for message in emu.messages(DEMO_USER_ID):
        if before.get(message.message_id) == (message.edits, message.text):
            continue
        choices = _show(message, out, edited=message.message_id in before)
        if choices:
            latest = (message.message_id, choices)
    return latest


async def run_demo(settings: BotSettings, *, language_code: str | None = None, stdin: TextIO | None = None,
                   out: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    async with BotApiEmulator() as emu:
        settings = replace(settings, token=emu.token, api_url=emu.api_url, file_url=emu.file_url)
        runtime = await asyncio.to_thread(prepare, settings, bot_id=emu.bot_id)
        app = build_application(settings, runtime.services)
        user = TgUser(DEMO_USER_ID, first_name="Demo", language_code=language_code)
        try:
            async with app:
                await app.start()
                assert app.updater is not None
                await app.updater.start_polling(poll_interval=0, timeout=5, allowed_updates=ALLOWED_UPDATES)
                out.write(INTRO)
                before = _snapshot(emu)
                emu.send_text(user, "/start")
                out.write("\n> /start\n")
                buttons = await _turn(emu, before, out)
                while True:
                    out.write("\n> ")
                    out.flush()
                    line = (await asyncio.to_thread(stdin.readline)).strip()
                    if not line:
                        break
                    before = _snapshot(emu)
                    if not stdin.isatty():  # echo piped input so the transcript reads like a chat
                        out.write(line + "\n")
                    if line.isdigit() and len(line) <= 2:
                        if not buttons or not 1 <= int(line) <= len(buttons[1]):
                            out.write(f"(no button {line} on the last message)\n")
                            continue
                        emu.press(user, buttons[0], buttons[1][int(line) - 1])
                    else:
                        emu.send_text(user, line)
                    answer = await _turn(emu, before, out)
                    if answer is not None:
                        buttons = answer
                await app.updater.stop()
                await app.stop()
        finally:
            runtime.close()
    out.write("\nBye.\n")
    return 0
