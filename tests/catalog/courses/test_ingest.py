"""Storage tests: run against SQLite and PostgreSQL (see the ``settings`` fixture)."""

from sqlalchemy import func, select

from catalog.courses.ingest import ingest_bytes
from catalog.language.concepts import thesaurus
from catalog.retrieval.recommender import load_snapshot
from catalog.storage.db import catalog_version
from catalog.storage.models import Course, Provider, Upload
from tests.support import CSV_HEADER, catalog_json, course, csv_row


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_new_file_creates_provider_and_courses(session, settings):
    report = ingest_bytes(session, settings, catalog_json(course(), course(code="ELEC-2")), "a.json")
    assert report.ok and report.created == ["ELEC-1", "ELEC-2"]
    assert count(session, Course) == 2 and count(session, Provider) == 1
    assert catalog_version(session) == 1
    stored = session.scalar(select(Course).where(Course.code == "ELEC-1"))
    assert stored.province == "battambang" and stored.tokens and stored.content_hash


def test_bad_row_changes_nothing(session, settings):
    ingest_bytes(session, settings, catalog_json(course()), "a.json")
    before = session.scalar(select(Course.record_hash))
    report = ingest_bytes(session, settings, catalog_json(
        course(title={"en": "Changed"}), course(code="NEW-1", cost={"amount": -1, "currency": "USD"})), "b.json")
    assert not report.ok and report.problems[0].row == 2
    session.expire_all()
    assert count(session, Course) == 1
    assert session.scalar(select(Course.record_hash)) == before
    assert catalog_version(session) == 1


def test_reupload_is_a_no_op(session, settings):
    data = catalog_json(course(), course(code="ELEC-2"))
    ingest_bytes(session, settings, data, "a.json")
    report = ingest_bytes(session, settings, data, "a.json")
    assert report.ok and report.unchanged == ["ELEC-1", "ELEC-2"] and not report.changed
    assert catalog_version(session) == 1
    assert count(session, Upload) == 1


def test_changing_one_course_changes_only_that_course(session, settings):
    ingest_bytes(session, settings, catalog_json(course(), course(code="ELEC-2")), "a.json")
    untouched = session.scalar(select(Course).where(Course.code == "ELEC-2"))
    stamp = (untouched.record_hash, untouched.changed_in_version)
    report = ingest_bytes(session, settings, catalog_json(
        course(cost={"amount": 25, "currency": "USD"}), course(code="ELEC-2")), "a.json")
    assert report.updated == ["ELEC-1"] and report.unchanged == ["ELEC-2"]
    session.expire_all()
    again = session.scalar(select(Course).where(Course.code == "ELEC-2"))
    assert (again.record_hash, again.changed_in_version) == stamp
    assert session.scalar(select(Course.cost_amount).where(Course.code == "ELEC-1")) == 25


def test_active_false_retires(session, settings):
    ingest_bytes(session, settings, catalog_json(course()), "a.json")
    report = ingest_bytes(session, settings, catalog_json(course(active=False)), "a.json")
    assert report.retired == ["ELEC-1"]
    assert session.scalar(select(Course.active)) is False


def test_csv_needs_a_known_provider(session, settings):
    body = f"{CSV_HEADER}\n{csv_row()}\n".encode()
    report = ingest_bytes(session, settings, body, "c.csv", "test-school")
    assert not report.ok and report.problems[0].kind == "unknown_provider"
    ingest_bytes(session, settings, catalog_json(), "provider.json")
    report = ingest_bytes(session, settings, body, "c.csv", "test-school")
    assert report.ok and report.created == ["SEW-1"]


def test_stackable_into_must_name_a_course_of_the_provider(session, settings):
    report = ingest_bytes(session, settings, catalog_json(course(stackable_into=["NOPE-9"])), "a.json")
    assert not report.ok and report.problems[0].column == "stackable_into"
    report = ingest_bytes(session, settings, catalog_json(
        course(stackable_into=["CERT-1"]), course(code="CERT-1")), "a.json")
    assert report.ok


def test_concepts_are_tagged_on_ingest_and_again_when_the_thesaurus_changes(session, settings):
    ingest_bytes(session, settings, catalog_json(course()), "a.json")
    stored = session.scalar(select(Course))
    assert "occ.electrician" in stored.concepts and stored.concepts_version == thesaurus().version
    stored.concepts, stored.concepts_version = [], "an older thesaurus"
    session.commit()
    snap = load_snapshot(session, settings)
    assert "occ.electrician" in snap.concepts(0)
    session.expire_all()
    assert session.scalar(select(Course.concepts_version)) == thesaurus().version  # saved: done once
