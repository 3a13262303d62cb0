"""Credentials from the command line: complete (ids or a list), revoke, keys rotate/jwks, status-list,
and verify, with this advisor's database or offline with a JWK set and a status list."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.clock import utcnow
from bot.credentials.models import Credential
from bot.learners.models import Learner
from bot.learners.service import enrol
from bot.services import open_records
from bot.settings import Settings
from bot.telegram.models import OutboxMessage
from catalog.storage.models import Course, Provider

TOKEN = "123456:ABCDEF-cli-test"


@pytest.fixture
def advisor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Settings, list[str]]:
    """A database with the sample catalog and three learners enrolled in kh-ntti:ELEC-101."""
    for name in list(os.environ):
        if name.startswith("ADVISOR_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ADVISOR_PUBLIC_URL", "https://advisor.example.org")
    monkeypatch.setenv("ADVISOR_TELEGRAM_TOKEN", TOKEN)
    settings = Settings.from_env()
    catalog, _ = open_records(settings)
    catalog.load_sample()
    ids = ["61001", "61002", "61003"]
    with catalog.write_sessions.begin() as s:
        course = s.scalar(select(Course).join(Provider).where(Provider.code == "kh-ntti", Course.code == "ELEC-101"))
        assert course is not None
        for external_id in ids:
            learner = Learner(channel="telegram", external_id=external_id, language="km", display_name="Sokha Chan")
            s.add(learner)
            s.flush()
            enrol(s, learner, course.id, utcnow())
    catalog.close()
    return settings, ids


def test_complete_revoke_keys_status_list_and_verify(advisor: tuple[Settings, list[str]], tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    settings, ids = advisor
    listed = tmp_path / "done.csv"
    listed.write_text("telegram_id,name\n61002,Dara\n61003,Vanna\n", encoding="utf-8")
    assert main(["complete", "kh-ntti:ELEC-101", ids[0]]) == 0
    assert main(["complete", "kh-ntti:ELEC-101", "--file", str(listed)]) == 0
    out = capsys.readouterr().out
    assert out.count("\tdone\t") == 3
    assert main(["complete", "kh-ntti:ELEC-101", ids[0], "99999"]) == 65  # again, and someone unknown
    out = capsys.readouterr().out
    assert f"{ids[0]}\talready" in out and "99999\tno_learner" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("id\n61001\nSokha\n", encoding="utf-8")
    assert main(["complete", "kh-ntti:ELEC-101", "--file", str(bad)]) == 65  # all or nothing
    catalog, _ = open_records(settings)
    with catalog.sessions() as s:
        credentials = s.scalars(select(Credential).order_by(Credential.id)).all()
        assert len(credentials) == 3
        told = s.scalars(select(OutboxMessage.chat_id).where(OutboxMessage.bot_id == 123456)).all()
        assert sorted(told) == sorted(int(i) for i in ids)  # each learner told once, by the bot
        first, second = credentials[0], credentials[1]
    catalog.close()
    (tmp_path / "first.jwt").write_text(first.jws, encoding="ascii")
    (tmp_path / "second.jwt").write_text(second.jws, encoding="ascii")

    assert main(["keys", "rotate"]) == 0
    assert main(["keys", "jwks"]) == 0
    capsys.readouterr()
    assert main(["keys", "jwks"]) == 0
    jwks = json.loads(capsys.readouterr().out)
    assert len(jwks["keys"]) == 2 and all("d" not in k for k in jwks["keys"])
    (tmp_path / "jwks.json").write_text(json.dumps(jwks), encoding="utf-8")

    assert main(["verify", str(tmp_path / "first.jwt"), "--holder", "Sokha Chan"]) == 0  # after the rotation
    assert "issued to that person: yes" in capsys.readouterr().out
    assert main(["verify", str(tmp_path / "first.jwt"), "--holder", "Someone Else"]) == 1
    assert main(["revoke", f"urn:uuid:{second.uuid}", "--reason", "issued by mistake"]) == 0
    assert main(["revoke", f"urn:uuid:{second.uuid}", "--reason", "twice"]) == 65
    capsys.readouterr()
    assert main(["verify", str(tmp_path / "second.jwt"), "--json"]) == 1
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["reason"] == "revoked" and verdict["revocation"]["reason"] == "issued by mistake"

    assert main(["status-list"]) == 0
    (tmp_path / "status.jwt").write_text(capsys.readouterr().out, encoding="ascii")
    offline = ["--jwks", str(tmp_path / "jwks.json"), "--status-list", str(tmp_path / "status.jwt")]
    assert main(["verify", str(tmp_path / "first.jwt"), *offline]) == 0
    assert main(["verify", str(tmp_path / "second.jwt"), *offline]) == 1
    assert "revoked" in capsys.readouterr().out
    (tmp_path / "forged.jwt").write_text(first.jws[:-8] + "AAAAAAAA", encoding="ascii")
    assert main(["verify", str(tmp_path / "forged.jwt"), *offline]) == 1


def test_without_a_public_url_nothing_is_issued(advisor: tuple[Settings, list[str]], monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("ADVISOR_PUBLIC_URL")
    assert main(["complete", "kh-ntti:ELEC-101", "61001"]) == 78
    assert "ADVISOR_PUBLIC_URL is not set" in capsys.readouterr().err
