"""The README's two set-up commands are the ones that CI and newcomers actually run."""

import re

from tests.support import ROOT


def commands() -> list[str]:
    return re.findall(r"```sh\n(python3 -m venv[^\n]+)\n```", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one():
    main_job, tests = commands()
    assert main_job.endswith("-m bot demo")
    assert "pytest" in tests and "torch==2.13.0" in tests
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
