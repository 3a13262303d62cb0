"""The command line, in-process, on a data folder whose index was built once (module fixture)."""

import json
import shutil

import pytest

from catalog.cli import main
from tests.support import catalog_json, course


@pytest.fixture(scope="module")
def data_dir(sample_app, tmp_path_factory):
    """A copy of the session's sample data folder (database + index), so CLI writes stay local."""
    folder = tmp_path_factory.mktemp("cli")
    shutil.copytree(sample_app.settings.data_dir, folder, dirs_exist_ok=True)
    return folder


@pytest.fixture
def env(data_dir, monkeypatch):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ADVISOR_LOAD_SAMPLE", "false")
    return data_dir


def test_recommend_json(env, capsys):
    assert main(["recommend", "hoc nau an mien phi o Can Tho", "--json", "--top", "3"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["id"] is None and out["language"] == "vi"
    kinds = {c["kind"] for c in out["constraints"]["understood"]}
    assert kinds == {"free", "province"}
    for r in out["results"]:
        assert {"code", "provider", "title", "score", "reason"} <= set(r) and r["cost"]["amount"] == 0


def test_recommend_human_output(env, capsys):
    assert main(["recommend", "barista", "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert " 1. " in out and "why:" in out


def test_batch_answers_every_line_in_order(env, tmp_path, capsys):
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"id": "a", "text": "ខ្ញុំចង់ក្លាយជាជាងអគ្គិសនី"},
        {"id": 2, "text": "cooking", "filters": {"country": "VN", "delivery": ["in_person"]}},
        {"id": "c", "text": "free courses in Battambang"},
    ]) + "\n", encoding="utf-8")
    assert main(["recommend", "--batch", str(batch), "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["id"] for x in lines] == ["a", 2, "c"]
    assert lines[1]["constraints"]["filters"] == {"country": "VN", "delivery": ["in_person"]}
    assert all(x["results"] for x in lines)


@pytest.mark.parametrize("args, fragment", [
    (["recommend", ""], "empty"),
    (["recommend", "x" * 10_000], "characters"),
    (["recommend", "cooking", "--province", "Atlantis"], "unknown province"),
    (["recommend", "cooking", "--max-cost", "abc"], "max_cost"),
    (["recommend"], "GOAL or --batch"),
])
def test_bad_input_is_one_clear_line_and_non_zero(env, capsys, args, fragment):
    assert main(args) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and fragment in err[0]


def test_bad_batch_line_means_no_output(env, tmp_path, capsys):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": 1, "text": "cooking"}\n{"id": 2, "text": "x", "filters": {"colour": 1}}\n')
    assert main(["recommend", "--batch", str(batch), "--json"]) != 0
    captured = capsys.readouterr()
    assert captured.out == "" and ":2:" in captured.err


def test_ingest_rejects_bad_file_and_reports_rows(env, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_bytes(catalog_json(course(cost={"amount": -1, "currency": "USD"}), course(code="X", title={"xx": "?"})))
    assert main(["ingest", str(bad)]) == 65
    err = capsys.readouterr().err
    assert "row 1, cost.amount" in err and "row 2, title.xx" in err and "nothing was changed" in err


def test_ingest_then_recommend_sees_the_new_course(env, tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_bytes(catalog_json(course(code="DRONE-1", title={"en": "Agricultural Drone Pilot"},
                                         skills=["drone spraying", "drone pilot"], sector="agriculture")))
    assert main(["ingest", str(good)]) == 0
    assert main(["recommend", "drone pilot", "--json", "--top", "1"]) == 0
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(out)["results"][0]["code"] == "DRONE-1"


def test_missing_file_and_database(env, tmp_path, monkeypatch, capsys):
    assert main(["ingest", str(tmp_path / "nope.csv")]) != 0
    assert "no such file" in capsys.readouterr().err
    monkeypatch.setenv("ADVISOR_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert main(["index"]) == 74
    assert "cannot open the database" in capsys.readouterr().err
    monkeypatch.setenv("ADVISOR_DATABASE_URL", f"sqlite:///{tmp_path}/no/such/dir/x.db")
    assert main(["index"]) == 74
