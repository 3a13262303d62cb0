"""Providers and programmes through the emulated Bot API, as new users would go: a provider asks for an
account (in Khmer), an admin approves it, the provider sends a course file with mistakes, then the
corrected one, and confirms; learners waiting for such a course are alerted (through a burst of 429s;
one of them blocked the bot) and find it; a completion confirmed in the chat brings the learner their
credential. A programme makes a campaign link, several learners use it, and /stats shows their totals
with small numbers hidden; a learner takes their data (/mydata) and erases it (/delete), and the
programme's totals keep them."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from bot.demo.emulator import BotMessage, TgUser
from bot.i18n import Catalogs
from bot.learners.models import Learner
from bot.providers import template
from bot.services import Services
from tests.bot.telegram.conftest import ADMIN_ID, running_bot
from tests.support import Chat, consented, course_ids, emulator, mostly, new_user

pytestmark = pytest.mark.e2e
T = Catalogs().translator


def courses_file(**changes: Any) -> bytes:
    """A provider's workbook, filled in from the Khmer template: one beekeeping course."""
    header = template.columns("km")
    row = {**dict(zip(header, template._example("km"), strict=True)), "code": "BEE-101",
           "title_km": "ការចិញ្ចឹមឃ្មុំ និងផលិតទឹកឃ្មុំ", "description_km": "រៀនចិញ្ចឹមឃ្មុំ ប្រមូល និងលក់ទឹកឃ្មុំ។",
           "skills": "ការចិញ្ចឹមឃ្មុំ; beekeeping; honey production", "keywords": "ឃ្មុំ; ទឹកឃ្មុំ; bees",
           "sector": "0811", "province": "មណ្ឌលគិរី", **changes}
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "courses"
    sheet.append(header)
    sheet.append([row[c] for c in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def started(chat: Chat) -> None:
    await chat.say("/start")


def press(emu: Any, chat: Chat, message: BotMessage, prefix: str) -> None:
    """Tap a button whose answer edits the message in place (the caller waits for what it expects)."""
    current = emu.message(chat.user.id, message.message_id)
    emu.press(chat.user, current, next(d for row in current.buttons for _, d in row if d.startswith(prefix)))


async def wait_for(emu: Any, user_id: int, test: Any, timeout: float = 60) -> BotMessage:
    await emu.wait_for(lambda: any(test(m) for m in emu.messages(user_id)), timeout)
    return next(m for m in reversed(emu.messages(user_id)) if test(m))


def test_provider_and_programme_in_the_chat(services: Services) -> None:
    async def scenario() -> None:
        async with emulator() as emu, running_bot(services, emu):
            admin = Chat(emu, TgUser(ADMIN_ID, first_name="Admin", language_code="en"))
            await started(admin)

            # Two learners wait for a beekeeping course; one of them then blocks the bot.
            waiting, gone = Chat(emu, new_user("en")), Chat(emu, new_user("en"))
            for chat in (waiting, gone):
                await consented(chat)
                [results] = await chat.say("beekeeping and honey")
                [alert_on] = await chat.press(results, "r.a")
                assert alert_on.text.startswith("🔔")
            emu.block(gone.user.id)

            # The provider asks for an account, in Khmer; the admin approves with one tap.
            school = Chat(emu, new_user("km"))
            [welcome] = await school.say("/start")
            privacy = await school.tap(welcome, "ខ្មែរ")
            assert isinstance(privacy, BotMessage)
            emu.press(school.user, emu.message(school.user.id, privacy.message_id), "o.c:y")
            await emu.wait_for(lambda: emu.message(school.user.id, privacy.message_id).edits > privacy.edits, 30)
            [asked] = await school.say("/provider")
            assert mostly("km", asked.text)
            await school.say("មជ្ឈមណ្ឌលចិញ្ចឹមឃ្មុំមណ្ឌលគិរី")
            mark = emu.last_message_id(admin.user.id)
            [thanks] = await school.say("012 888 999")
            assert mostly("km", thanks.text)
            [request] = await emu.replies(admin.user.id, mark, 1, 30)
            assert "012 888 999" in request.text
            mark = emu.last_message_id(school.user.id)
            press(emu, admin, request, "ac.y")
            [ready] = await emu.replies(school.user.id, mark, 1, 30)
            assert ready.text.startswith("🎉") and mostly("km", ready.text)

            # The template, then a file with mistakes: a report in Khmer, nothing changes.
            [home] = await school.say("/provider")
            [sheet] = await school.press(home, "pv.t:km")
            assert sheet.document is not None and sheet.document["file_name"].endswith(".xlsx")
            [report] = await school.upload("ឃ្មុំ.xlsx", courses_file(cost_amount="1.500.000", sector="beekeping"))
            assert report.text.startswith("❌") and mostly("km", report.text)
            assert "cost_amount" in report.text and "sector" in report.text and "0811" in report.text
            assert not report.buttons
            downloads = len(emu.calls_to("getFile"))
            [huge] = await school.upload("ឃ្មុំ.xlsx", b"0" * 50_000_000)  # refused before it is downloaded
            assert huge.text.startswith("❌") and mostly("km", huge.text) and len(emu.calls_to("getFile")) == downloads

            # Corrected, checked, confirmed: learners find it within seconds, and the waiting one is told.
            emu.fail_next("sendMessage", count=4, status=429, retry_after=1)
            [report] = await school.upload("ឃ្មុំ.xlsx", courses_file())
            assert report.text.startswith("📋") and "BEE-101" in report.text
            mark = emu.last_message_id(waiting.user.id)
            press(emu, school, report, "pv.y")
            await wait_for(emu, school.user.id, lambda m: m.text.startswith("✅"))
            [alert] = await emu.replies(waiting.user.id, mark, 1, 60)
            assert alert.text.startswith("🔔") and "ឃ្មុំ" in alert.text
            learner = Chat(emu, new_user("en"))
            await consented(learner)
            [results] = await learner.say("beekeeping and honey")
            with services.catalog.sessions() as s:
                from catalog.storage.models import Course

                bee = s.scalar(select(Course).where(Course.code == "BEE-101"))
                assert bee is not None
            assert bee.id in course_ids(results)
            def recorded_blocked() -> bool:  # the blocked learner: recorded as such, never alerted
                with services.catalog.sessions() as s:
                    row = s.scalar(select(Learner).where(Learner.external_id == str(gone.user.id)))
                    return row is not None and row.blocked_at is not None

            await emu.wait_for(recorded_blocked, 30)
            assert not any(m.text.startswith("🔔 ") and "ឃ្មុំ" in m.text for m in emu.messages(gone.user.id))
            await asyncio.sleep(1)
            assert sum(m.text.startswith("🔔 ") and "ឃ្មុំ" in m.text for m in emu.messages(waiting.user.id)) == 1

            # The learner enrols; the provider confirms the completion in the chat; the credential arrives.
            await learner.press(results, f"c.e:{bee.id}")
            [home] = await school.say("/provider")
            [mine] = await school.press(home, "pv.l:0")
            [people] = await school.press(mine, f"pv.e:{bee.id}")
            mark = emu.last_message_id(learner.user.id)
            await school.press(people, "pv.c:")
            [earned] = await emu.replies(learner.user.id, mark, 1, 30)
            assert earned.text.startswith("🎓")
            await school.press(mine, f"pv.o:{bee.id}")  # retired again: the shared catalog as it was

            # A programme: request, approval, a campaign link used by twelve people, /stats.
            ngo = Chat(emu, new_user("en"))
            await consented(ngo)
            await ngo.say("/program")
            await ngo.say("Women in trades")
            mark = emu.last_message_id(admin.user.id)
            await ngo.say("+855 11 222 333")
            [request] = await emu.replies(admin.user.id, mark, 1, 30)
            mark = emu.last_message_id(ngo.user.id)
            press(emu, admin, request, "ac.y")
            await emu.replies(ngo.user.id, mark, 1, 30)
            [home] = await ngo.say("/program")
            await ngo.press(home, "pg.c")
            [link] = await ngo.say("Siem Reap 2027")
            assert link.photo is not None and f"https://t.me/{emu.username}?start=" in link.text
            code = link.text.split("?start=")[1].split()[0]
            joined = [Chat(emu, new_user("km")) for _ in range(12)]
            for chat in joined:
                await chat.say(f"/start {code}")
            [chart, numbers] = await ngo.say("/stats", replies=2)
            assert chart.photo is not None and "12" in numbers.text and "<10" in numbers.text

            # One of them takes their data, then erases it: the programme still counts them.
            person = joined[0]
            welcome = person.last()
            privacy = await person.tap(welcome, "English")
            assert isinstance(privacy, BotMessage)
            await person.tap(privacy, "I agree")
            [data] = await person.say("/mydata")
            assert data.document is not None
            mine_data = json.loads(emu.file_bytes(data.document["file_id"]))
            assert mine_data["you"]["telegram_id"] == str(person.user.id)
            assert mine_data["you"]["came_from_campaign"] == code
            [confirm] = await person.say("/delete")
            await person.tap(confirm, "Yes")
            with services.catalog.sessions() as s:
                assert s.scalar(select(Learner).where(Learner.external_id == str(person.user.id))) is None
            [chart, numbers] = await ngo.say("/stats", replies=2)
            assert "12" in numbers.text

    asyncio.run(scenario())
