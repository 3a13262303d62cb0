"""Bot throughput and reply latency through the local Bot API emulator (real Application, HTTP, polling).

    python bench/bench_bot.py [--learners 100] [--rounds 3]

Baselines measured in the same run:
- ``echo``: a minimal python-telegram-bot app (reply to a text, edit on a button) through the same
  emulator: the transport's own cost, so ``x echo`` is what the advisor adds;
- ``recommend()``: the recommender called directly for the same goals, so ``x direct`` shows the
  overhead of the bot around the recommendation.
All learners send at once (each waits for its own reply); flood control is off (the production 30
messages/s budget would otherwise be what is measured). Also measured: how long each write
transaction holds SQLite's write lock (from ``BEGIN IMMEDIATE`` to ``COMMIT``), over everything the
bot writes (inbox, units of work, outbox). Results also go to bench/results/bot.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, CallbackQueryHandler, ContextTypes, filters
from telegram.ext import MessageHandler as TgMessageHandler

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from bot.demo.emulator import BotApiEmulator, TgUser  # noqa: E402
from bot.dialogue.core import Press, Start, Visitor  # noqa: E402
from bot.services import Services, build_services  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.telegram.application import ALLOWED_UPDATES, build_application, running  # noqa: E402

GOALS = ["motorbike repair", "hoc nau an", "ខ្ញុំចង់រៀនកាត់ដេរ", "hotel job in Siem Reap", "học tiếng Hàn",
         "electrician in Phnom Penh", "free computer course", "sửa điện thoại"]


def limiter() -> AIORateLimiter:
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=5)


async def echo_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, "echo", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("next", callback_data="m:1")]]))


async def echo_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(f"edited {time.monotonic()}")


async def started(app: Application) -> None:  # type: ignore[type-arg]
    """Start the echo baseline (no post_init: it has none)."""
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)


async def stopped(app: Application) -> None:  # type: ignore[type-arg]
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


async def measure(users: list[TgUser], act: Callable[[TgUser], Awaitable[None]]) -> dict[str, float]:
    latencies: list[float] = []

    async def one(user: TgUser) -> None:
        t0 = time.perf_counter()
        await act(user)
        latencies.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    await asyncio.gather(*(one(u) for u in users))
    wall = time.perf_counter() - t0
    latencies.sort()
    return {"updates_per_s": len(users) / wall, "p50_ms": 1000 * statistics.median(latencies),
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))]}


def text_then_reply(emu: BotApiEmulator, text: Callable[[TgUser], str]) -> Callable[[TgUser], Awaitable[None]]:
    async def act(user: TgUser) -> None:
        mark = emu.last_message_id(user.id)
        emu.send_text(user, text(user))
        await emu.replies(user.id, mark, 1, 120)
    return act


def press_then_edit(emu: BotApiEmulator, label: str) -> Callable[[TgUser], Awaitable[None]]:
    async def act(user: TgUser) -> None:
        message = next(m for m in reversed(emu.messages(user.id)) if any(label in b for b in m.button_labels()))
        emu.press(user, message, message.find_button(label)[1])
        await emu.wait_for(lambda: emu.message(user.id, message.message_id).edits > message.edits, 120)
    return act


class LockClock:
    """Time from the start of each write transaction (SQLite's write lock taken) to its COMMIT."""

    def __init__(self, services: Services) -> None:
        self.held: list[float] = []
        self._started: dict[int, float] = {}
        engine = services.catalog.engine
        event.listen(engine, "begin", self._begin)  # after the listener that issues BEGIN IMMEDIATE
        event.listen(engine, "commit", self._end)
        event.listen(engine, "rollback", self._end)

    def _begin(self, conn) -> None:  # type: ignore[no-untyped-def]
        if conn.get_execution_options().get("sqlite_begin") == "IMMEDIATE":
            self._started[id(conn.connection)] = time.perf_counter()

    def _end(self, conn) -> None:  # type: ignore[no-untyped-def]
        t0 = self._started.pop(id(conn.connection), None)
        if t0 is not None:
            self.held.append(time.perf_counter() - t0)

    def summary(self) -> dict[str, float]:
        held = sorted(self.held)
        return {"transactions": float(len(held)), "p50_ms": 1000 * statistics.median(held),
                "p95_ms": 1000 * held[int(0.95 * (len(held) - 1))], "max_ms": 1000 * held[-1]}


def agree(services: Services, users: list[TgUser]) -> None:
    """Consent without the chat (not measured): /start, English, "I agree", each a unit of work."""
    for u in users:
        for inp in (Start(None), Press("o.l:en"), Press("o.c:y")):
            with services.unit_of_work() as uow:
                services.conversation.handle(uow.session, Visitor(str(u.id), "en"), inp, release=uow.release)
                uow.commit()


async def run(learners: int, rounds: int, data_dir: Path) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    base = Settings.from_env({"ADVISOR_DATA_DIR": str(data_dir)}, need_token=False)
    results: dict[str, list[dict[str, float]]] = {}
    async with BotApiEmulator() as emu:
        settings = base.with_bot_api(token=emu.token, api_url=emu.api_url, file_url=emu.file_url)
        services = await asyncio.to_thread(build_services, settings, sample=True)
        locks = LockClock(services)
        for rnd in range(rounds):
            users = [TgUser(10_000 * (rnd + 1) + i, language_code="en") for i in range(learners)]
            # Baseline 1: the transport alone.
            echo = ApplicationBuilder().token(emu.token).base_url(emu.api_url).base_file_url(emu.file_url) \
                .rate_limiter(limiter()).concurrent_updates(64).build()
            echo.add_handler(TgMessageHandler(filters.TEXT, echo_reply))
            echo.add_handler(CallbackQueryHandler(echo_edit))
            await started(echo)
            results.setdefault("echo text", []).append(await measure(users, text_then_reply(emu, lambda u: "hi")))
            results.setdefault("echo button", []).append(await measure(users, press_then_edit(emu, "next")))
            await stopped(echo)
            # Baseline 2: the recommendation alone, same goals, same concurrency (a thread each).
            goal = {u.id: GOALS[i % len(GOALS)] for i, u in enumerate(users)}

            async def direct(user: TgUser, goal: dict[int, str] = goal) -> None:
                await asyncio.to_thread(services.recommender.recommend, goal[user.id], top_k=5)

            results.setdefault("recommend() direct", []).append(await measure(users, direct))
            # The advisor: consent without the chat (not measured), then goals and button presses.
            await asyncio.to_thread(agree, services, users)
            locks.held.clear()
            async with running(build_application(settings, services, rate_limiter=limiter(), own_services=False),
                               poll_timeout=1):
                results.setdefault("advisor goal", []).append(
                    await measure(users, text_then_reply(emu, lambda u, goal=goal: goal[u.id])))
                results.setdefault("advisor button (refine)", []).append(
                    await measure(users, press_then_edit(emu, "Online")))
            results.setdefault("write lock held", []).append(locks.summary())
        services.close()
    summary = {name: {k: statistics.median(r[k] for r in runs) for k in runs[0]} for name, runs in results.items()}
    return summary, summary.pop("write lock held")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=None, help="prepared data dir (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        summary, lock = asyncio.run(run(args.learners, args.rounds, args.data_dir or Path(tmp)))
    echo = {"goal": summary["echo text"], "button": summary["echo button"]}
    print(f"\n{args.learners} learners at once, median of {args.rounds} rounds")
    print(f"{'scenario':24} {'updates/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'x echo p50':>10}")
    for name, r in summary.items():
        ref = echo["button"] if "button" in name else echo["goal"]
        ratio = f"{r['p50_ms'] / ref['p50_ms']:.1f}x" if name.startswith("advisor") else ""
        print(f"{name:24} {r['updates_per_s']:10.1f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {ratio:>10}")
    direct = summary["recommend() direct"]["updates_per_s"]
    print(f"advisor goal throughput vs recommend() direct: {summary['advisor goal']['updates_per_s'] / direct:.2f}x")
    print(f"SQLite write lock held per write transaction ({lock['transactions']:.0f} in a round): "
          f"p50 {lock['p50_ms']:.2f} ms, p95 {lock['p95_ms']:.2f} ms, max {lock['max_ms']:.1f} ms; "
          f"p95 vs recommend() p50: {lock['p95_ms'] / summary['recommend() direct']['p50_ms']:.2f}x")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bot.json").write_text(json.dumps({**summary, "write lock held": lock}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
