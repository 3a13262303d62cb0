"""Database tables of the catalog. Schema changes go through Alembic (``catalog/storage/migrations``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment in UTC, always timezone-aware in Python: SQLite would hand it back naive, and a
    naive datetime compared with an aware one raises."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: store moments in UTC, timezone-aware")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


class Base(DeclarativeBase):
    """Declarative base; JSON columns hold language maps and lists (portable across SQLite and PostgreSQL)."""


class CatalogState(Base):
    """Single row holding the catalog version; it grows by one with every change that affects
    recommendations, so any process can tell whether its index is current."""

    __tablename__ = "catalog_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), server_default=func.now())


class Provider(Base):
    __tablename__ = "providers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    country: Mapped[str] = mapped_column(String(2), nullable=False, default="")
    url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    contact: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    courses: Mapped[list[Course]] = relationship(back_populates="provider")


class Course(Base):
    __tablename__ = "courses"
    __table_args__ = (UniqueConstraint("provider_id", "code", name="uq_course_provider_code"),
                      Index("ix_courses_provider_active", "provider_id", "active"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), nullable=False)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    title: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    description: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    skills: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    keywords: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    sector: Mapped[str] = mapped_column(String(32), nullable=False)
    level: Mapped[int] = mapped_column(Integer, nullable=False)
    duration_hours: Mapped[float] = mapped_column(Float, nullable=False)
    cost_amount: Mapped[float] = mapped_column(Float, nullable=False)
    cost_currency: Mapped[str] = mapped_column(String(3), nullable=False)
    delivery: Mapped[str] = mapped_column(String(16), nullable=False)
    country: Mapped[str] = mapped_column(String(2), nullable=False, default="")
    province: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    locality: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    language_of_instruction: Mapped[str] = mapped_column(String(2), nullable=False)
    schedule: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    women_only: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    start_dates: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    learning_outcomes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    assessment: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    quality_assurance: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    stackable_into: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    original: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    # Derived on ingest: what to embed (by hash), whether anything changed, lexical tokens, concepts.
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    record_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    tokens: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    tokenizer_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    concepts: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)  # thesaurus ids
    concepts_version: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    changed_in_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), server_default=func.now(), onupdate=func.now()
    )
    provider: Mapped[Provider] = relationship(back_populates="courses")


class EmbeddingCache(Base):
    """Passage vectors by (model, content hash): re-indexing never embeds the same text twice."""

    __tablename__ = "embedding_cache"
    model_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    dim: Mapped[int] = mapped_column(Integer, nullable=False)
    vector: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class Upload(Base):
    """Audit trail of accepted uploads (who changed the catalog, when, and how much)."""

    __tablename__ = "uploads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    created: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    catalog_version: Mapped[int] = mapped_column(Integer, nullable=False)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), server_default=func.now())
