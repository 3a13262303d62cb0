"""Questions about courses that more than one part of the product asks."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.storage.models import Course


def stack_targets(session: Session, course: Course) -> list[Course]:
    """The active courses of the same provider that ``course`` counts towards (``stackable_into``)."""
    if not course.stackable_into:
        return []
    return list(session.scalars(select(Course).where(
        Course.provider_id == course.provider_id, Course.code.in_(course.stackable_into), Course.active)))
