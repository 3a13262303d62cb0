"""Where each learner is in the conversation, kept in the database so that any worker can take the
next update after a restart (migrations: ``bot/storage/migrations``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.learners.models import Learner
from catalog.storage.models import Base, UTCDateTime


class Dialogue(Base):
    """The conversation step and its working state (goal, refinements, page, pending goal...).
    ``version`` makes concurrent writers fail loudly instead of silently overwriting each other."""

    __tablename__ = "dialogues"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    step: Mapped[str] = mapped_column(String(24), nullable=False, default="new")
    state: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    learner: Mapped[Learner] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
