"""``python -m bot demo`` end to end: a real process, piped input, the sample catalog."""

from __future__ import annotations

import os
import subprocess
import sys

from catalog.service import CatalogApp


def test_demo_conversation(sample_app: CatalogApp) -> None:
    script = "\n".join(["3", "1", "hotel job in Siem Reap", "1", "1", "/mycourses", "42", ""]) + "\n"
    env = {**os.environ, "ADVISOR_DATA_DIR": str(sample_app.settings.data_dir),
           "ADVISOR_DATABASE_URL": sample_app.settings.database_url}
    done = subprocess.run([sys.executable, "-m", "bot", "demo", "--lang", "en"], input=script, text=True,
                          capture_output=True, env=env, timeout=300)
    out = done.stdout
    assert done.returncode == 0, done.stderr[-2000:]
    assert "[1] ខ្មែរ" in out and "[3] ✓ English" in out  # buttons as numbered choices
    assert "Your privacy" in out and "[1] ✅ I agree" in out
    assert "🎯 hotel job in Siem Reap" in out and "Siem Reap" in out.split("🎯 hotel job in Siem Reap")[1]
    assert "Duration:" in out and "You are enrolled in" in out and "Your course (1)" in out
    assert "(no button 42 on the last message)" in out
    assert out.rstrip().endswith("Bye.")
    assert "Ready:" in done.stderr  # start-up progress goes to stderr
