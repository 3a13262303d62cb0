"""Tables of issued credentials and signing keys (migrations: ``bot/storage/migrations``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalog.storage.models import Base, UTCDateTime


class Credential(Base):
    """One issued credential. ``jws`` is the signed credential exactly as the learner holds it (a
    salted hash of the name they chose, a keyed hash of their number): when the learner erases their
    data the copy is dropped (``""``) and ``learner_id``/``enrolment_id`` unlinked, while the row keeps
    the credential verifiable and revocable wherever it was given. ``id`` doubles as the credential's
    index in the status list."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    enrolment_id: Mapped[int | None] = mapped_column(ForeignKey("enrolments.id", ondelete="SET NULL"), unique=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id", ondelete="SET NULL"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), nullable=False)
    kid: Mapped[str] = mapped_column(String(300), nullable=False)
    jws: Mapped[str] = mapped_column(Text, nullable=False)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revocation_reason: Mapped[str | None] = mapped_column(String(500))
    revoked_by: Mapped[str | None] = mapped_column(String(64))


class SigningKey(Base):
    """A public signing key, by its ``kid`` (a URI under ADVISOR_PUBLIC_URL). Every key that ever
    signed stays here, so a credential issued before a rotation keeps verifying; the private half
    lives only in the keys folder."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(300), primary_key=True)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
