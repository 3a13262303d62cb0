"""Tables of learners and enrolments (migrations: ``bot/storage/migrations``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.storage.models import Base, Course, UTCDateTime


class Learner(Base):
    """A person using the advisor through one channel (Telegram today). Holds only what the advisor
    needs: language, consent and the campaign they came from. ``blocked_at`` records that the channel
    can no longer reach them (they blocked the bot), so nothing more is sent."""

    __tablename__ = "learners"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_learner_channel_external"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    external_id: Mapped[str] = mapped_column(String(64), nullable=False)
    language: Mapped[str | None] = mapped_column(String(2))
    source: Mapped[str | None] = mapped_column(String(64), index=True)  # campaign code from the deep link
    consented_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The name the learner chose for certificates (optional, asked once): only its salted hash goes
    # into a credential, so that an employer can check it against the person in front of them.
    display_name: Mapped[str | None] = mapped_column(String(80))
    # Their own phone number (E.164), only if they shared it through Telegram for their certificates,
    # which then carry its salted hash too; erased with everything else.
    phone: Mapped[str | None] = mapped_column(String(20))
    # Shared only if they want (each with "prefer not to say"): shows women-only and age-limited
    # courses to those they are for, and gives outreach programmes their women and youth totals.
    gender: Mapped[str | None] = mapped_column(String(16))  # woman, man, other, unsaid
    age_band: Mapped[str | None] = mapped_column(String(16))  # 15-17, 18-24, 25-34, 35+, unsaid
    # Where they live, so that courses there come first: KH, VN, "" (elsewhere) or unknown. Khmer and
    # Vietnamese speakers are taken to live at home; English speakers are asked once (or it is
    # inferred from a province they name).
    country: Mapped[str | None] = mapped_column(String(2))
    country_asked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # When they first stated a goal and first got courses for one: steps of a programme's funnel.
    goal_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    recommended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    name_asked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    blocked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="learner", cascade="all, delete-orphan",
                                                       passive_deletes=True)


class Enrolment(Base):
    """One learner in one course; unique per pair so a double tap or a redelivered update cannot
    create a second row. ``status`` is enrolled, completed, withdrawn or not_completed; every change is
    an :class:`EnrolmentEvent`. Withdrawing keeps the row, so re-enrolling reuses it."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("learner_id", "course_id", name="uq_enrolment_learner_course"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), nullable=False)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="enrolled")
    source: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), server_default=func.now(), onupdate=func.now()
    )
    learner: Mapped[Learner] = relationship(back_populates="enrolments")
    course: Mapped[Course] = relationship()
    events: Mapped[list[EnrolmentEvent]] = relationship(back_populates="enrolment", cascade="all, delete-orphan",
                                                        passive_deletes=True, order_by="EnrolmentEvent.id")


class EnrolmentEvent(Base):
    """One change of an enrolment's status: when, and who made it (the learner, the course's
    provider, an admin in the chat, or an operator on the command line)."""

    __tablename__ = "enrolment_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"), nullable=False,
                                              index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16), nullable=False)
    actor: Mapped[str] = mapped_column(String(16), nullable=False)
    actor_ref: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    enrolment: Mapped[Enrolment] = relationship(back_populates="events")


class Reminder(Base):
    """A reminder sent about an enrolment (``kind`` start or silence, ``key`` which one, e.g. the start
    date): unique, so that two workers never send the same reminder twice."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("enrolment_id", "kind", "key", name="uq_reminder_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    key: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
