"""``python -m bot`` as a real process: long polling against a Bot API server given by
ADVISOR_TELEGRAM_API_URL, and the start-up failures that must end in one ``error:`` line, with a
documented exit code and without the token anywhere."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from catalog.app import CatalogApp
from tests.support import emulator, new_user

pytestmark = pytest.mark.e2e
SECRET = "987654321:SECRET-token-never-printed"


def test_polling_process_answers_and_stops_cleanly(sample_app: CatalogApp) -> None:
    async def scenario() -> tuple[int, str]:
        async with emulator() as emu:
            env = {**os.environ, "ADVISOR_DATA_DIR": str(sample_app.settings.data_dir),
                   "ADVISOR_DATABASE_URL": sample_app.settings.database_url, "ADVISOR_TELEGRAM_TOKEN": emu.token,
                   "ADVISOR_TELEGRAM_API_URL": emu.api_url, "ADVISOR_TELEGRAM_FILE_URL": emu.file_url}
            proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", env=env,
                                                        stderr=asyncio.subprocess.PIPE)
            try:
                user = new_user("vi")
                emu.send_text(user, "/start")
                [welcome] = await emu.replies(user.id, 0, 1, timeout=180)
                assert "✓ Tiếng Việt" in welcome.button_labels()
                commands = {c.get("language_code"): c for c in emu.calls_to("setMyCommands")}
                assert set(commands) == {None, "km", "vi"}  # the command menu, per language
            finally:
                proc.send_signal(signal.SIGINT)
                _, err = await asyncio.wait_for(proc.communicate(), 60)
            return proc.returncode or 0, err.decode()

    code, stderr = asyncio.run(scenario())
    assert code == 0, stderr[-2000:]
    assert "Ready:" in stderr and "TEST-TOKEN" not in stderr


def _start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "ADVISOR_DATA_DIR": str(tmp_path),
                   "ADVISOR_TELEGRAM_TOKEN": SECRET, **env}
    return subprocess.run([sys.executable, "-m", "bot"], capture_output=True, text=True, env=environment, timeout=120)


def _one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    output = done.stdout + done.stderr
    assert SECRET not in output and SECRET.split(":")[1] not in output and "%3A" + SECRET.split(":")[1] not in output
    assert "Traceback" not in output
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


def test_a_rejected_token_is_one_error_line_without_the_token(tmp_path: Path) -> None:
    async def scenario() -> subprocess.CompletedProcess[str]:
        async with emulator() as emu:  # a Bot API server that knows another token: 401 Unauthorized
            return await asyncio.to_thread(_start, tmp_path, ADVISOR_TELEGRAM_API_URL=emu.api_url,
                                           ADVISOR_TELEGRAM_FILE_URL=emu.file_url)

    done = asyncio.run(scenario())
    assert done.returncode == 78
    assert "rejected ADVISOR_TELEGRAM_TOKEN" in _one_error_line(done)


def test_an_unreachable_bot_api_is_one_error_line(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = _start(tmp_path, ADVISOR_TELEGRAM_API_URL=f"http://127.0.0.1:{port}/bot",
                  ADVISOR_TELEGRAM_FILE_URL=f"http://127.0.0.1:{port}/file/bot")
    assert done.returncode == 69
    assert f"cannot reach the Bot API server at 127.0.0.1:{port}" in _one_error_line(done)
