"""A provider's upload waiting for confirmation (migrations: ``bot/storage/migrations``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from catalog.storage.models import Base, UTCDateTime

CATALOG, COMPLETIONS = "catalog", "completions"


class PendingUpload(Base):
    """A file a provider sent, checked and shown as a report; applied only when they confirm. Kept in
    the database (not in memory), so the confirmation may come to any worker, after a restart too."""

    __tablename__ = "pending_uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # catalog or completions
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
