"""The accounts of providers and programmes (migrations: ``bot/storage/migrations``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from catalog.storage.models import Base, UTCDateTime

PROVIDER, PROGRAM = "provider", "program"
PENDING, APPROVED, REFUSED, REMOVED = "pending", "approved", "refused", "removed"


class Account(Base):
    """A person acting for an organisation: a training provider (linked to one provider of the
    catalog) or an outreach programme. Requested by the person, decided by an admin; only an
    ``approved`` account gives its role, checked on every update."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # provider or program
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=PENDING)
    organisation: Mapped[str] = mapped_column(String(200), nullable=False)
    contact: Mapped[str] = mapped_column(String(200), nullable=False)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id", ondelete="SET NULL"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(64))  # the admin's Telegram id
