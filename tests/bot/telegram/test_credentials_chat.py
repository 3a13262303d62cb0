"""From enrolment to a trusted credential, in Khmer, Vietnamese and English, through the emulated Bot
API: enrol (and give a name) → an admin confirms the completion (twice: one credential) → the learner
receives it with a next step → the file, the certificate picture, the share text → an employer
forwards the file to /verify: valid, and issued to that name (a key rotation in between) → revoked →
the learner is told, and /verify says revoked, with the reason."""

from __future__ import annotations

import asyncio
import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from bot.credentials.models import Credential
from bot.demo.emulator import BotMessage, TgUser
from bot.i18n import Catalogs
from bot.learners.models import Learner
from bot.services import Services
from catalog.storage.models import Course, Provider
from tests.bot.telegram.conftest import ADMIN_ID, running_bot
from tests.support import Chat, course_ids, emulator, mostly, new_user

pytestmark = pytest.mark.e2e
GOALS = {"km": "ខ្ញុំចង់រៀនជួសជុលម៉ូតូ", "vi": "học sửa xe máy", "en": "motorbike repair"}
NAMES = {"km": "សុខា ចាន់", "vi": "Nguyễn Thị Hường", "en": "Dara Sok"}


async def agreed(chat: Chat, lang: str) -> None:
    [welcome] = await chat.say("/start")
    privacy = await chat.tap(welcome, {"km": "ខ្មែរ", "vi": "Tiếng Việt", "en": "English"}[lang])
    assert isinstance(privacy, BotMessage)
    current = chat.emu.message(chat.user.id, privacy.message_id)
    chat.emu.press(chat.user, current, "o.c:y")
    await chat.emu.wait_for(lambda: chat.emu.message(chat.user.id, privacy.message_id).edits > current.edits, 30)


async def enrol_in_first(chat: Chat, lang: str, services: Services) -> tuple[BotMessage, str]:
    """Agree, state the goal, enrol in the first course: the confirmation and the course's PROVIDER:CODE."""
    await agreed(chat, lang)
    [results] = await chat.say(GOALS[lang])
    course_id = course_ids(results)[0]
    [enrolled] = await chat.press(results, f"c.e:{course_id}")
    with services.catalog.sessions() as s:
        course = s.get(Course, course_id)
        assert course is not None
        provider = s.get(Provider, course.provider_id)
        assert provider is not None
        return enrolled, f"{provider.code}:{course.code}"


def credentials_of(services: Services, user_id: int) -> list[Credential]:
    with services.catalog.sessions() as s:
        learner = s.scalar(select(Learner).where(Learner.external_id == str(user_id)))
        assert learner is not None
        return list(s.scalars(select(Credential).where(Credential.learner_id == learner.id)))


@pytest.mark.parametrize("lang", ["km", "vi", "en"])
def test_enrolment_to_a_trusted_credential(services: Services, lang: str) -> None:
    async def scenario() -> None:
        async with emulator() as emu, running_bot(services, emu):
            learner = Chat(emu, new_user({"km": "en", "vi": "vi", "en": "en"}[lang]))
            admin = Chat(emu, TgUser(ADMIN_ID, first_name="Admin", language_code="en"))
            employer = Chat(emu, new_user("en"))
            enrolled, key = await enrol_in_first(learner, lang, services)
            assert mostly(lang, enrolled.text) and any(d == "u.s" for row in enrolled.buttons for _, d in row)
            [ask] = await learner.press(enrolled, "u.s")  # "Add my name"
            assert mostly(lang, ask.text)
            [saved] = await learner.say(NAMES[lang])
            assert NAMES[lang] in saved.text and mostly(lang, saved.text)

            # The provider's completion, confirmed by an admin in the chat; confirmed again: one credential.
            mark = emu.last_message_id(learner.user.id)
            [report] = await admin.say(f"/complete {key} {learner.user.id}")
            assert "completed, credential issued" in report.text
            [earned] = await emu.replies(learner.user.id, mark, 1, 30)
            assert earned.text.startswith("🎓") and mostly(lang, earned.text)
            assert {d.split(":")[0] for row in earned.buttons for _, d in row} >= {"w.f", "w.c", "w.s", "n.n"}
            [again] = await admin.say(f"/complete {key} {learner.user.id}")
            assert "already completed" in again.text
            await asyncio.sleep(0.5)
            assert emu.last_message_id(learner.user.id) == earned.message_id  # told once
            [credential] = credentials_of(services, learner.user.id)

            # The wallet: the signed file, the certificate picture, a text to share, what next.
            [file] = await learner.press(earned, "w.f")
            assert file.document is not None and file.document["file_name"].endswith(".jwt")
            jws = emu.file_bytes(file.document["file_id"])
            assert jws.decode() == credential.jws
            [picture] = await learner.press(earned, "w.c")
            assert picture.photo is not None and mostly(lang, picture.text)
            image = Image.open(io.BytesIO(emu.file_bytes(picture.photo["file_id"])))
            assert image.format == "PNG" and image.size == (1600, 1131)
            [share] = await learner.press(earned, "w.s")
            assert credential.uuid in share.text and any(d.startswith("url:https://www.linkedin.com/profile/add")
                                                         for row in share.buttons for _, d in row)
            [nexts] = await learner.press(earned, "n.n")
            assert nexts.text.startswith("➡️")
            [mine] = await learner.say("/mycredentials")
            assert mostly(lang, mine.text) and "1." in mine.text

            # A key rotation; then an employer forwards the file: still valid, and issued to that name.
            with services.catalog.write_sessions.begin() as s:
                assert services.issuer is not None
                services.issuer.keys.rotate(s, services.clock())
            [verdict] = await employer.upload(file.document["file_name"], jws)
            assert verdict.text.startswith("✅ Valid credential")
            [asked] = await employer.press(verdict, "v.h")
            assert "name of the person" in asked.text
            [yes] = await employer.say(NAMES[lang])
            assert yes.text.startswith("✅ Yes")
            [verdict2] = await employer.say(jws.decode())  # pasted as text
            await employer.press(verdict2, "v.h")
            [no] = await employer.say("Somebody Else")
            assert no.text.startswith("❌ No")

            # Revoked: the learner is told, with the reason, in their language; /verify says so.
            mark = emu.last_message_id(learner.user.id)
            [revoked] = await admin.say(f"/revoke {credential.uuid} assessment was not completed")
            assert "revoked" in revoked.text
            [told] = await emu.replies(learner.user.id, mark, 1, 30)
            assert told.text.startswith("⛔") and "assessment was not completed" in told.text
            assert mostly(lang, told.text)
            [verdict3] = await employer.upload("credential.jwt", jws)
            assert verdict3.text.startswith("⛔ Revoked") and "assessment was not completed" in verdict3.text
            [tampered] = await employer.upload("credential.jwt", jws[:-6] + b"AAAAAA")
            assert tampered.text.startswith("❌ Not valid")
        with services.catalog.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Credential).where(
                Credential.id == credential.id, Credential.revoked_at.is_not(None))) == 1

    asyncio.run(scenario())


def test_admin_commands_do_not_exist_for_anyone_else(services: Services) -> None:
    async def scenario() -> None:
        async with emulator() as emu, running_bot(services, emu):
            someone = Chat(emu, new_user("en"))
            await agreed(someone, "en")
            [answer] = await someone.say(f"/complete kh-ntti:ELEC-101 {someone.user.id}")
            assert "do not know this command" in answer.text
            [answer] = await someone.say("/revoke 00000000-0000-0000-0000-000000000000 because")
            assert "do not know this command" in answer.text

    asyncio.run(scenario())


@pytest.mark.parametrize("lang", ["km", "vi", "en"])
def test_the_phone_number_through_telegrams_contact_button(services: Services, lang: str) -> None:
    """No name, but the learner's own number (shared with Telegram's button, never typed): the credential
    can be checked with it, however the employer writes it, and the number is not in the file."""

    async def scenario() -> None:
        async with emulator() as emu, running_bot(services, emu):
            learner = Chat(emu, new_user(lang))
            admin = Chat(emu, TgUser(ADMIN_ID, first_name="Admin", language_code="en"))
            employer = Chat(emu, new_user("en"))
            enrolled, key = await enrol_in_first(learner, lang, services)
            [no_name] = await learner.press(enrolled, "u.n")  # "Skip": no name on certificates
            assert mostly(lang, no_name.text)
            [question] = await learner.press(no_name, "u.p")  # "Add my phone number"
            share = Catalogs().translator(lang).gettext("📱 Share my phone number")
            assert mostly(lang, question.text) and emu.keyboard(learner.user.id)[0] == [share]
            mark = emu.last_message_id(learner.user.id)
            emu.tap_keyboard(learner.user, share, phone_number="+85512345678")
            [saved] = await emu.replies(learner.user.id, mark, 1, 30)
            assert "…678" in saved.text and mostly(lang, saved.text)
            assert emu.keyboard(learner.user.id) == []  # the keyboard is gone with the answer

            await admin.say(f"/complete {key} {learner.user.id}")
            [credential] = credentials_of(services, learner.user.id)
            assert b"345678" not in credential.jws.encode()

            [verdict] = await employer.upload("credential.jwt", credential.jws.encode())
            assert verdict.text.startswith("✅ Valid credential")
            [asked] = await employer.press(verdict, "v.h")
            assert "phone number" in asked.text and "name" not in asked.text
            [yes] = await employer.say("012 345 678")  # written the local way
            assert yes.text.startswith("✅ Yes")
            await employer.press(verdict, "v.h")
            [no] = await employer.say("012 345 999")
            assert no.text.startswith("❌ No") and "number" in no.text
            # After another verification, the first one's button would check the wrong credential.
            await employer.upload("credential.jwt", credential.jws.encode())
            [stale] = await employer.press(verdict, "v.h")
            assert stale.text.startswith("That button is out of date.")

    asyncio.run(scenario())
