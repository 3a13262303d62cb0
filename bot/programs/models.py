"""Campaigns and the aggregates erased learners leave behind (migrations: ``bot/storage/migrations``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from catalog.storage.models import Base, UTCDateTime


class Campaign(Base):
    """A programme's campaign: learners who open ``t.me/<bot>?start=<code>`` count towards it."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)


class ErasedCount(Base):
    """How far learners who later erased their data had come, by campaign, week they started and the
    groups a programme reports on; no person in it. Results add these to the living learners'."""

    __tablename__ = "erased_counts"
    __table_args__ = (UniqueConstraint("campaign", "week", "gender", "age_band", "stage", name="uq_erased_cell"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign: Mapped[str] = mapped_column(String(64), nullable=False)
    week: Mapped[dt.date] = mapped_column(Date, nullable=False)  # the Monday of the week they started
    gender: Mapped[str] = mapped_column(String(16), nullable=False)
    age_band: Mapped[str] = mapped_column(String(16), nullable=False)
    stage: Mapped[str] = mapped_column(String(16), nullable=False)
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
