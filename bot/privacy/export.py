"""Everything stored about one learner, as a readable JSON document (/mydata): the right of access,
in a form a person can open on a phone and keep."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.accounts.models import Account
from bot.alerts.models import AlertSent, AlertSubscription
from bot.credentials.models import Credential
from bot.learners.models import Enrolment, EnrolmentEvent, Learner, Reminder
from bot.programs.models import Campaign
from bot.providers.models import PendingUpload
from catalog.storage.models import Course, Provider


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def learner_data(session: Session, learner: Learner, now: dt.datetime,
                 conversation: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every row about ``learner``; ``conversation`` is where their dialogue stands (the caller has it)."""
    enrolments = []
    for enrolment, course, provider in session.execute(
            select(Enrolment, Course, Provider).join(Course, Enrolment.course_id == Course.id)
            .join(Provider, Course.provider_id == Provider.id).where(Enrolment.learner_id == learner.id)
            .order_by(Enrolment.id)).all():
        events = session.scalars(select(EnrolmentEvent).where(EnrolmentEvent.enrolment_id == enrolment.id)
                                 .order_by(EnrolmentEvent.id))
        reminders = session.scalars(select(Reminder).where(Reminder.enrolment_id == enrolment.id))
        enrolments.append({
            "course": f"{provider.code}:{course.code}", "title": course.title, "status": enrolment.status,
            "enrolled_at": _when(enrolment.created_at), "changed_at": _when(enrolment.updated_at),
            "history": [{"from": e.from_status, "to": e.to_status, "by": e.actor, "at": _when(e.at)} for e in events],
            "reminders_sent": [{"kind": r.kind, "about": r.key, "at": _when(r.created_at)} for r in reminders],
        })
    credentials = []
    for c in session.scalars(select(Credential).where(Credential.learner_id == learner.id)):
        course = session.get(Course, c.course_id)
        credentials.append({"id": f"urn:uuid:{c.uuid}", "course": course.code if course else None,
                            "issued_at": _when(c.issued_at), "revoked_at": _when(c.revoked_at),
                            "revocation_reason": c.revocation_reason, "signed_credential": c.jws or None})
    alert = session.scalar(select(AlertSubscription).where(AlertSubscription.learner_id == learner.id))
    announced = [{"course_id": a.course_id, "at": _when(a.sent_at)} for a in session.scalars(
        select(AlertSent).where(AlertSent.subscription_id == alert.id))] if alert else []
    roles = []
    for a in session.scalars(select(Account).where(Account.learner_id == learner.id)):
        roles.append({"kind": a.kind, "organisation": a.organisation, "contact": a.contact, "status": a.status,
                      "requested_at": _when(a.requested_at), "decided_at": _when(a.decided_at),
                      "files_waiting": [u.filename for u in session.scalars(
                          select(PendingUpload).where(PendingUpload.account_id == a.id))],
                      "campaigns": [{"name": c.name, "code": c.code} for c in session.scalars(
                          select(Campaign).where(Campaign.account_id == a.id))]})
    return {
        "exported_at": now.isoformat(),
        "you": {
            "channel": learner.channel, "telegram_id": learner.external_id, "language": learner.language,
            "came_from_campaign": learner.source, "agreed_to_privacy_notice_at": _when(learner.consented_at),
            "name_on_certificates": learner.display_name, "name_asked_at": _when(learner.name_asked_at),
            "phone_for_certificates": learner.phone,
            "gender": learner.gender, "age_group": learner.age_band, "country": learner.country,
            "country_asked_at": _when(learner.country_asked_at), "first_goal_at": _when(learner.goal_at),
            "first_suggestions_at": _when(learner.recommended_at), "first_seen_at": _when(learner.created_at),
            "last_seen_at": _when(learner.last_seen_at), "blocked_the_bot_at": _when(learner.blocked_at),
        },
        "conversation": conversation,
        "enrolments": enrolments,
        "certificates": credentials,
        "alert": {"goal": alert.goal, "filters": alert.filters, "since": _when(alert.created_at),
                  "courses_announced": announced} if alert else None,
        "accounts": roles,
    }


def as_file(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
