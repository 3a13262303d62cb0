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
    source: Mapped[str | None] = mapped_column(String(64))  # campaign code from the deep link
    consented_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    blocked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="learner", cascade="all, delete-orphan",
                                                       passive_deletes=True)


class Enrolment(Base):
    """One learner in one course; unique per pair so a double tap or a redelivered update cannot
    create a second row. Withdrawing keeps the row (status) so re-enrolling reuses it."""

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
