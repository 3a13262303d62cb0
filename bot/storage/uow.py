"""The unit of work of one update: read, think outside any transaction, write, commit once.

Service functions take the session and never commit. The unit of work commits once at the end, or
rolls everything back, so an enrolment and the reply that confirms it, or a completion and the
credential it issues, happen together or not at all. :meth:`UnitOfWork.release` ends the read-only
part before slow work (the embedding model, a network call), so that no transaction, and on SQLite
no write lock, is held while thinking.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker


class WriteBeforeThinking(RuntimeError):
    """A flow changed data before slow work; it must think first and write afterwards."""


class UnitOfWork:
    """``with UnitOfWork(sessions) as uow: ...; uow.commit()``; leaving without commit rolls back."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._statement_writes = False
        self.committed = False

    def __enter__(self) -> Self:
        self.session = self._sessions()
        event.listen(self.session, "do_orm_execute", self._track)
        return self

    def _track(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            self._statement_writes = True

    def release(self) -> None:
        """End the read-only transaction before thinking. Raises :class:`WriteBeforeThinking` when
        something was already written: committing it here would split the unit of work in two."""
        s = self.session
        if s.new or s.dirty or s.deleted or self._statement_writes:
            raise WriteBeforeThinking("write after thinking, never before (see bot.storage.uow)")
        if s.in_transaction():
            s.commit()  # nothing to write: this only ends the read snapshot and returns the connection

    def commit(self) -> None:
        self.session.commit()
        self.committed = True

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if not self.committed:
                self.session.rollback()
        finally:
            self.session.close()
