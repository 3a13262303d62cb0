"""``python -m bot`` as a real process, long-polling a Bot API server given by ADVISOR_TELEGRAM_API_URL."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from catalog.service import CatalogApp
from tests.bot.conftest import emulator, new_user


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
