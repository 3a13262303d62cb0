"""kill -9 during a burst, several times: after the last restart every update was answered exactly
once, no enrolment was lost or doubled, and the database is intact. ``python -m bot`` runs as a real
process polling the emulated Bot API, which redelivers whatever the dead process had not confirmed."""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.demo.emulator import BotApiEmulator, BotMessage, TgUser
from tests.support import emulator

pytestmark = pytest.mark.e2e
LEARNERS = 24
GOALS = ["motorbike repair", "hoc nau an", "ខ្ញុំចង់រៀនកាត់ដេរ", "hotel job in Siem Reap", "electrician"]


async def start_bot(emu: BotApiEmulator, data: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "ADVISOR_DATA_DIR": str(data), "ADVISOR_LOAD_SAMPLE": "true",
           "ADVISOR_TELEGRAM_TOKEN": emu.token, "ADVISOR_TELEGRAM_API_URL": emu.api_url,
           "ADVISOR_TELEGRAM_FILE_URL": emu.file_url}
    env.pop("ADVISOR_DATABASE_URL", None)
    polls = len(emu.calls_to("getUpdates"))
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", env=env,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    await emu.wait_for(lambda: len(emu.calls_to("getUpdates")) > polls, 120)
    return proc


def results_of(emu: BotApiEmulator, user: TgUser) -> list[BotMessage]:
    return [m for m in emu.messages(user.id) if m.text.startswith("🎯")]


def database(data: Path) -> sqlite3.Connection:
    return sqlite3.connect(data / "advisor.db")


def test_kill_9_during_bursts_loses_and_doubles_nothing(tmp_path: Path) -> None:
    rng = random.Random(7)
    users = [TgUser(3_000_000 + i, first_name="L", language_code="en") for i in range(LEARNERS)]
    kills: list[int] = []
    repeats: list[int] = []

    async def kill(proc: asyncio.subprocess.Process) -> None:
        proc.kill()
        await proc.wait()
        with database(tmp_path) as db:  # what the dead process had received but not finished
            kills.append(db.execute("SELECT count(*) FROM telegram_inbox WHERE done_at IS NULL").fetchone()[0])

    async def scenario() -> None:
        async with emulator() as emu:
            proc = await start_bot(emu, tmp_path)
            for user in users:  # everyone agrees first, with the bot up
                emu.send_text(user, "/start")
            await emu.wait_for(lambda: all(emu.messages(u.id) for u in users), 60)
            for step in ("English", "I agree"):
                for user in users:
                    message = emu.messages(user.id)[0]
                    emu.press(user, message, message.find_button(step)[1])
                await emu.wait_for(lambda s=step: all(
                    ("in your own words" if s == "I agree" else "privacy") in emu.messages(u.id)[0].text.lower()
                    or "in your own words" in emu.messages(u.id)[0].text for u in users), 60)
            # The burst: every learner sends every goal at once; the bot is killed in the middle, thrice.
            for goal in GOALS:
                for user in users:
                    emu.send_text(user, goal)
            for _ in range(3):
                await asyncio.sleep(rng.uniform(0.3, 1.5))
                await kill(proc)
                proc = await start_bot(emu, tmp_path)
            await emu.wait_for(lambda: all(len(results_of(emu, u)) >= len(GOALS) for u in users), 180)
            # Then everyone enrols in the first course of their first list, with one more kill.
            for user in users:
                first = results_of(emu, user)[0]
                emu.press(user, first, first.find_button("Enrol in 1")[1])
            await asyncio.sleep(rng.uniform(0.1, 0.6))
            await kill(proc)
            proc = await start_bot(emu, tmp_path)
            await emu.wait_for(lambda: all(any(m.text.startswith(("✅", "ℹ️")) for m in emu.messages(u.id))
                                           for u in users), 120)
            await emu.wait_for(lambda: emu.pending_updates() == 0, 30)
            await asyncio.sleep(1.0)  # anything sent twice would arrive now
            proc.terminate()
            await asyncio.wait_for(proc.wait(), 60)
            check(emu)

    def check(emu: BotApiEmulator) -> None:
        with database(tmp_path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            resent = dict(db.execute("SELECT chat_id, count(*) FROM telegram_outbox WHERE attempts > 1 "
                                     "GROUP BY chat_id").fetchall())  # taken over from a killed process
            enrolled = dict(db.execute("SELECT l.external_id, count(*) FROM enrolments e JOIN learners l "
                                       "ON l.id = e.learner_id WHERE e.status = 'enrolled' GROUP BY l.external_id"))
            assert db.execute("SELECT count(*) FROM telegram_inbox WHERE done_at IS NULL").fetchone()[0] == 0
        for user in users:
            answers = results_of(emu, user)
            confirmations = [m for m in emu.messages(user.id) if m.text.startswith(("✅", "ℹ️"))]
            extra = len(answers) - len(GOALS) + len(confirmations) - 1
            assert extra == 0, (user.id, len(answers), len(confirmations))  # exactly once
            assert {m.text.split("\n")[0] for m in answers} == {f"🎯 {g}" for g in GOALS}  # each goal answered
            assert enrolled.get(str(user.id)) == 1
            repeats.append(extra)
        print(f"kill -9 at {len(kills)} points; updates in hand when killed: {kills}; messages taken over from "
              f"a killed process: {sum(resent.values())}; seen twice by a learner: {sum(repeats)}")

    asyncio.run(scenario())
    assert sum(kills) > 0, "the bot was never killed while it had work in hand"
