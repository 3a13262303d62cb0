"""Providers and programmes in the conversation: asking for an account, an admin's decision, a
provider's files and learners, a programme's campaigns; and nobody reaching what is not theirs, even
with forged buttons."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.clock import utcnow
from bot.credentials.issuing import Issuer
from bot.credentials.keys import KeyStore
from bot.credentials.models import Credential
from bot.dialogue.conversation import Conversation
from bot.dialogue.core import Upload
from bot.dialogue.flows import accounts as accounts_flow
from bot.dialogue.flows import build_router
from bot.dialogue.flows import program as program_flow
from bot.dialogue.flows import provider as provider_flow
from bot.dialogue.flows.onboarding import AskGoal, ChooseLanguage, Privacy
from bot.learners.models import Enrolment, Learner
from bot.learners.service import enrol
from bot.programs.models import Campaign
from catalog.storage.models import Course, Provider
from tests.bot.dialogue.conftest import CATALOGS
from tests.support import CSV_HEADER, FakeRecommender, Talk, csv_row, make_settings, memory_database

ADMIN = "900"
STALE = (AskGoal, ChooseLanguage, Privacy)  # what a button that is not (or no longer) yours gets


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Any, Conversation]]:
    engine, sessions = memory_database()
    keys = KeyStore(tmp_path / "keys", "https://advisor.example.org", bits=2048)
    with sessions.begin() as s:
        keys.ensure(s, utcnow())
    conversation = Conversation(build_router(), CATALOGS, FakeRecommender(sessions), admins=frozenset({ADMIN}),
                                issuer=Issuer(keys, "https://advisor.example.org"),
                                catalog_settings=make_settings(tmp_path))
    conversation.bot_username = "advisor_bot"
    yield sessions, conversation
    engine.dispose()


def person(world: Any, external_id: str) -> Talk:
    talk = Talk(world[0], world[1], external_id=external_id)
    talk.agree()
    return talk


def approved_provider(world: Any, external_id: str, organisation: str, link: bool = False) -> Talk:
    talk, admin = person(world, external_id), person(world, ADMIN)
    talk.say("/provider")
    talk.say(organisation)
    [sent] = talk.say("+855 12 345 678")
    assert isinstance(sent, accounts_flow.RequestSent)
    [request] = [screen for learner, screen in talk.last.notices]
    assert isinstance(request, accounts_flow.RequestForAdmin)
    [decided] = admin.press(f"ac.{'l' if link else 'y'}:{request.account_id}")
    assert isinstance(decided, accounts_flow.Decided) and decided.approved
    [(told, verdict)] = admin.last.notices
    assert told.external_id == external_id and isinstance(verdict, accounts_flow.Verdict) and verdict.approved
    return talk


def test_request_approval_and_the_providers_home(world: Any) -> None:
    school = approved_provider(world, "501", "Trường Nghề Cần Thơ")
    [home] = school.say("/provider")
    assert isinstance(home, provider_flow.Home) and home.code == "truong-nghe-can-tho" and home.courses == 0
    with world[0]() as s:
        provider = s.scalar(select(Provider).where(Provider.code == "truong-nghe-can-tho"))
        assert provider is not None and provider.name == {"vi": "Trường Nghề Cần Thơ"}


def test_an_existing_providers_name_is_linked_only_when_the_admin_says_so(world: Any) -> None:
    impostor = approved_provider(world, "502", "test school")  # a name proves nothing: a new provider
    [home] = impostor.say("/provider")
    assert isinstance(home, provider_flow.Home) and home.code == "test-school-2" and home.courses == 0
    school = approved_provider(world, "512", "Test School", link=True)  # the admin checked, and linked
    [home] = school.say("/provider")
    assert isinstance(home, provider_flow.Home) and home.code == "test-school" and home.courses > 0


def test_only_admins_decide_and_a_decision_stands(world: Any) -> None:
    admin = person(world, ADMIN)
    asker = person(world, "503")
    asker.say("/program")
    asker.say("Women in trades")
    asker.say("hello@example.org")
    [request] = [screen for _, screen in asker.last.notices]
    stranger = person(world, "504")
    assert isinstance(stranger.press(f"ac.y:{request.account_id}")[0], type(stranger.say("/nonsense")[0]))
    [refused] = admin.press(f"ac.n:{request.account_id}")
    assert isinstance(refused, accounts_flow.Decided) and not refused.approved
    [again] = admin.press(f"ac.y:{request.account_id}")
    assert again.problem == "decided_already"
    assert isinstance(asker.say("/stats")[0], STALE)


def test_upload_report_then_apply_and_the_catalog_version_grows(world: Any) -> None:
    school = approved_provider(world, "505", "Test School", link=True)
    bad = f"{CSV_HEADER}\n{csv_row('SEW-1', cost='1.500.000')}\n{csv_row('SEW-1')}\n".encode()
    [report] = school.send(Upload("courses.csv", bad))
    assert isinstance(report, provider_flow.CatalogReport) and not report.report.ok
    text = report.render(CATALOGS.translator("en")).text
    assert "row 2, cost_amount: “1.500.000” is not a number" in text and "row 3, code" in text
    assert report.render(CATALOGS.translator("en")).buttons == []  # nothing to apply
    good = f"{CSV_HEADER}\n{csv_row('SEW-1')}\n{csv_row('SEW-2', 'Tailoring')}\n".encode()
    [report] = school.send(Upload("courses.csv", good))
    assert report.report.ok and report.report.created == ["SEW-1", "SEW-2"]
    with world[0]() as s:  # a report changes nothing
        assert s.scalar(select(Course).where(Course.code == "SEW-1")) is None
    [applied] = school.press(f"pv.y:{report.upload_id}")
    assert isinstance(applied, provider_flow.Applied) and applied.report.created == ["SEW-1", "SEW-2"]
    assert school.last.catalog_changed
    assert isinstance(school.press(f"pv.y:{report.upload_id}")[0], provider_flow.Expired)  # applied once


def test_forged_buttons_reach_nothing_of_another_provider(world: Any) -> None:
    ours = approved_provider(world, "506", "Test School", link=True)
    theirs = approved_provider(world, "507", "Other School")
    with world[0].begin() as s:
        course = s.scalar(select(Course).where(Course.code == "ELEC-1"))
        learner = s.scalar(select(Learner).where(Learner.external_id == "506"))
        assert course is not None and learner is not None
        enrol(s, learner, course.id, utcnow())
        s.flush()
        enrolment = s.scalar(select(Enrolment).where(Enrolment.course_id == course.id))
        assert enrolment is not None
        course_id, enrolment_id = course.id, enrolment.id
    for data in (f"pv.e:{course_id}", f"pv.o:{course_id}", f"pv.c:{enrolment_id}", f"pv.f:{enrolment_id}",
                 f"pv.k:{enrolment_id}", f"pv.r:{enrolment_id}"):
        assert isinstance(theirs.press(data)[0], STALE), data
    learner = person(world, "508")
    for data in (f"pv.e:{course_id}", "pv.l:0", "pv.d", "pg.s", "ac.y:1"):
        assert not isinstance(learner.press(data)[0], provider_flow.CourseLearners | program_flow.Chart), data
    [listed] = ours.press(f"pv.e:{course_id}")
    assert isinstance(listed, provider_flow.CourseLearners) and listed.rows[0][0] == enrolment_id
    [done] = ours.press(f"pv.c:{enrolment_id}")
    assert isinstance(done, provider_flow.Changed) and done.what == "completed"
    with world[0]() as s:
        assert s.scalar(select(Credential.id).where(Credential.enrolment_id == enrolment_id)) is not None
    # Revoking: a reason, then a confirmation; a command in between abandons it, and nothing is revoked.
    ours.press(f"pv.k:{enrolment_id}")
    ours.say("/provider")
    assert not isinstance(ours.say("welding course in Battambang")[0], provider_flow.ConfirmRevoke)
    ours.press(f"pv.k:{enrolment_id}")
    [confirm] = ours.say("assessment was not finished")
    assert isinstance(confirm, provider_flow.ConfirmRevoke) and confirm.reason == "assessment was not finished"
    ours.press("pv.q")  # keep it
    assert isinstance(ours.press(f"pv.r:{enrolment_id}")[0], provider_flow.Changed)  # nothing left to confirm
    ours.press(f"pv.k:{enrolment_id}")
    ours.say("assessment was not finished")
    [revoked] = ours.press(f"pv.r:{enrolment_id}")
    assert type(revoked).__name__ == "Report"
    with world[0]() as s:
        credential = s.scalar(select(Credential).where(Credential.enrolment_id == enrolment_id))
        assert credential is not None and credential.revocation_reason == "assessment was not finished"


def test_a_completion_list_all_or_nothing(world: Any) -> None:
    school = approved_provider(world, "509", "Test School", link=True)
    ids = []
    with world[0].begin() as s:
        courses = s.scalars(select(Course).where(Course.code.in_(["ELEC-1", "ELEC-2"]))).all()
        for n, course in enumerate(courses):
            learner = Learner(channel="telegram", external_id=f"70{n}", language="km", consented_at=utcnow())
            s.add(learner)
            s.flush()
            enrol(s, learner, course.id, utcnow())
            s.flush()
            ids.append(s.scalar(select(Enrolment.id).where(Enrolment.learner_id == learner.id)))
    [sheet] = school.press("pv.d")
    assert isinstance(sheet, provider_flow.ListFile)
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "enrolment" and {r[0] for r in rows[1:]} == {f"E{i}" for i in ids}
    bad = f"enrolment,result\nE{ids[0]},completed\nE{ids[1]},maybe\nE99999,completed\n".encode()
    [report] = school.send(Upload("results.csv", bad))
    assert isinstance(report, provider_flow.CompletionReport)
    assert [(p.row, p.kind) for p in report.plan.problems] == [(3, "bad_result"), (4, "unknown_enrolment")]
    good = f"enrolment,result\nE{ids[0]},completed\n{ids[1]},không đạt\n".encode()
    [report] = school.send(Upload("results.csv", good))
    assert report.plan.ok and report.plan.complete == [ids[0]] and report.plan.fail == [ids[1]]
    [confirmed] = school.press(f"pv.y:{report.upload_id}")
    assert isinstance(confirmed, provider_flow.Confirmed) and (confirmed.done, confirmed.failed) == (1, 1)
    told = {learner.external_id: type(screen).__name__ for learner, screen in school.last.notices}
    assert told == {"700": "Earned", "701": "NotCompletedNotice"}
    with world[0]() as s:
        assert [s.get(Enrolment, i).status for i in ids] == ["completed", "not_completed"]  # type: ignore[union-attr]


def test_a_programmes_campaign_link_and_only_its_own_results(world: Any) -> None:
    admin = person(world, ADMIN)
    ngo = person(world, "510")
    ngo.say("/program")
    ngo.say("Women in trades")
    ngo.say("+855 11 222 333")
    [request] = [screen for _, screen in ngo.last.notices]
    admin.press(f"ac.y:{request.account_id}")
    ngo.press("pg.c")
    [link] = ngo.say("Siem Reap 2027")
    assert isinstance(link, program_flow.CampaignLink) and link.url.startswith("https://t.me/advisor_bot?start=")
    assert link.png.startswith(b"\x89PNG")
    with world[0]() as s:
        campaign = s.scalar(select(Campaign).where(Campaign.name == "Siem Reap 2027"))
        assert campaign is not None
    for n in range(12):
        Talk(world[0], world[1], external_id=f"80{n}").say(f"/start {campaign.code}")
    chart, numbers = ngo.say("/stats")
    assert isinstance(chart, program_flow.Chart) and isinstance(numbers, program_flow.Numbers)
    assert numbers.results is not None and numbers.results.weeks.totals["started"] == 12
    assert numbers.results.weeks.totals["language"] == 0  # nobody chose one yet: a zero points at no one
    assert numbers.results.women["started"] == 0  # none said they are a woman (nobody was asked yet)
    other = person(world, "511")
    other.say("/program")
    other.say("Youth club")
    other.say("+855 11 222 444")
    [request] = [screen for _, screen in other.last.notices]
    admin.press(f"ac.y:{request.account_id}")
    assert isinstance(other.press(f"pg.q:{campaign.id}")[0], STALE)
    [home] = other.say("/program")
    assert isinstance(home, program_flow.Home) and home.campaigns == []
