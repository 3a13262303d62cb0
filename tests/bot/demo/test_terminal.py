"""``python -m bot demo`` end to end: a real process, piped input, a first run from nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def test_demo_conversation(tmp_path: Path) -> None:
    """First run in a new data folder: its own database with the sample catalog, whose vectors ship
    with the package, so nothing is embedded and the first reply comes within seconds."""
    script = "\n".join(["3", "1", "hotel job in Siem Reap", "1", "1", "/mycourses", "42", ""]) + "\n"
    env = {**os.environ, "ADVISOR_DATA_DIR": str(tmp_path / "data")}
    env.pop("ADVISOR_DATABASE_URL", None)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "bot", "demo", "--lang", "en"], input=script, text=True,
                          capture_output=True, env=env, timeout=300)
    elapsed = time.monotonic() - started
    out = done.stdout
    assert done.returncode == 0, done.stderr[-2000:]
    assert "[1] ខ្មែរ" in out and "[3] ✓ English" in out  # buttons as numbered choices
    assert "Your privacy" in out and "[1] ✅ I agree" in out
    assert "🎯 hotel job in Siem Reap" in out and "Siem Reap" in out.split("🎯 hotel job in Siem Reap")[1]
    assert "Duration:" in out and "You are enrolled in" in out and "Your course (1)" in out
    assert "(no button 42 on the last message)" in out
    assert out.rstrip().endswith("Bye.")
    assert "Ready:" in done.stderr  # start-up progress goes to stderr
    assert "Embedding courses" not in done.stderr  # the shipped vectors were used
    assert (tmp_path / "data" / "demo" / "advisor.db").exists()
    print(f"demo, first run from nothing to the end of a 7-turn conversation: {elapsed:.1f}s")
