"""Alert subscriptions and what was sent for them (migrations: ``bot/storage/migrations``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from catalog.storage.models import Base, UTCDateTime


class AlertSubscription(Base):
    """A learner's wish to hear of new courses for their goal (one per learner: the latest goal)."""

    __tablename__ = "alert_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), unique=True,
                                            nullable=False)
    goal: Mapped[str] = mapped_column(String(500), nullable=False)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    since_version: Mapped[int] = mapped_column(Integer, nullable=False)  # courses newer than this are news
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)


class AlertSent(Base):
    """One course a subscription was told about: unique, so no course is announced twice."""

    __tablename__ = "alerts_sent"
    __table_args__ = (UniqueConstraint("subscription_id", "course_id", name="uq_alert_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("alert_subscriptions.id", ondelete="CASCADE"),
                                                 nullable=False)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), nullable=False)
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)


class Announcement(Base):
    """An admin's message to every learner (an audit row; the messages themselves are outbox rows)."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(4000), nullable=False)
    sent_by: Mapped[str] = mapped_column(String(64), nullable=False)
    recipients: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
