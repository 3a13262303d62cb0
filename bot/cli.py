"""``python -m bot``: run the advisor on Telegram (long polling); ``python -m bot demo``: try it in
this terminal without a token or network; ``complete``, ``revoke``, ``keys``, ``status-list`` and
``verify``: credentials from the command line.

Every failure a person can act on ends with one ``error:`` line on stderr and a documented exit
code: 78 configuration (a missing, malformed or rejected token, a bad setting), 69 the Bot API
server cannot be reached, 74 the database or index cannot be opened, 65 bad input (a file that is not a
list, an unknown course), 1 a credential that is not valid. The token is never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jwt
from telegram import Bot
from telegram.error import InvalidToken, NetworkError

from bot.clock import utcnow
from bot.credentials import signing
from bot.credentials.issuing import CredentialError, Issuer, verify_here
from bot.credentials.keys import jwks
from bot.credentials.status import revoked_by_list, signed_lists, status_list_problem
from bot.dialogue.flows import admin
from bot.i18n import Catalogs
from bot.services import build_services, open_records, stderr
from bot.settings import Settings
from bot.storage.uow import UnitOfWork
from bot.telegram import updates
from bot.telegram.application import ALLOWED_UPDATES, build_application
from bot.telegram.logs import configure_logging
from catalog.app import CatalogApp
from catalog.errors import CatalogError, ConfigError, InputError


class BotApiUnavailable(CatalogError):
    """The Bot API server did not answer."""

    exit_code = 69  # EX_UNAVAILABLE


async def check_bot_api(settings: Settings) -> str:
    """Ask the Bot API who we are before loading anything: a rejected token or an unreachable
    server becomes one clear error. Returns the bot's username."""
    token = settings.telegram.token
    assert token is not None
    host = urlsplit(settings.telegram.api_url).netloc
    bot = Bot(token.get_secret_value(), base_url=settings.telegram.api_url, base_file_url=settings.telegram.file_url)
    try:
        async with bot:
            return bot.username
    except InvalidToken:
        raise ConfigError(f"the Bot API server at {host} rejected ADVISOR_TELEGRAM_TOKEN (401 Unauthorized): "
                          "the token is wrong or was revoked; copy it again from @BotFather") from None
    except NetworkError as exc:
        reason = str(exc).replace(token.get_secret_value(), "<token>").splitlines()[0] if str(exc) else \
            type(exc).__name__
        raise BotApiUnavailable(f"cannot reach the Bot API server at {host}: {reason}") from None


def run(settings: Settings) -> int:
    token = settings.telegram.token
    assert token is not None
    configure_logging(token.get_secret_value())
    username = asyncio.run(check_bot_api(settings))
    stderr(f"Bot API: connected as @{username}.")
    services = build_services(settings, say=stderr, progress=None)
    build_application(settings, services).run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


def _issuer(settings: Settings) -> tuple[CatalogApp, Issuer]:
    catalog, issuer = open_records(settings)
    if issuer is None:
        raise ConfigError("ADVISOR_PUBLIC_URL is not set: credentials need the advisor's public address, "
                          "e.g. export ADVISOR_PUBLIC_URL=https://advisor.example.org")
    return catalog, issuer


def _ids_from_file(path: Path) -> list[str]:
    """Telegram user ids from a CSV list (one per row; a header and other columns are ignored)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {type(exc).__name__}") from None
    ids, problems = [], []
    for no, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cell = (row[0] if row else "").strip()
        if not cell or (no == 1 and not cell.isdigit()):
            continue
        if not (cell.isascii() and cell.isdigit()):
            problems.append(f"row {no}: {cell!r} is not a Telegram user id")
        ids.append(cell)
    if problems:  # all or nothing: a list with a mistake confirms nobody
        raise InputError(f"{path}: " + "; ".join(problems[:5]) + (" …" if len(problems) > 5 else ""))
    return ids


def cmd_complete(args: argparse.Namespace) -> int:
    """Confirm completions: each issues a credential and tells the learner (through the running bot)."""
    settings = Settings.from_env()
    catalog, issuer = _issuer(settings)
    ids = list(args.ids) + (_ids_from_file(Path(args.file)) if args.file else [])
    if not ids:
        raise InputError("name at least one learner: TELEGRAM_USER_ID ... or --file LIST.csv")
    translations = Catalogs()
    now = utcnow()
    with UnitOfWork(catalog.write_sessions) as uow:
        course = admin.find_course(uow.session, args.course)
        if course is None:
            raise InputError(f"no course {args.course!r} (use PROVIDER:CODE, e.g. kh-ntti:ELEC-101)")
        results = admin.complete(uow.session, issuer, course, ids, actor="operator", actor_ref="cli", now=now)
        for r in results:
            if r.learner is not None and r.notice is not None:
                updates.notify(uow.session, translations, bot_id=settings.telegram.bot_id, learner=r.learner,
                               screens=[r.notice], now=now)
        uow.commit()
    for r in results:
        print(f"{r.external_id}\t{r.outcome}\t{r.detail}")
    catalog.close()
    return 0 if all(r.outcome in (admin.DONE, admin.ALREADY) for r in results) else InputError.exit_code


def cmd_revoke(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    catalog, issuer = _issuer(settings)
    now = utcnow()
    with UnitOfWork(catalog.write_sessions) as uow:
        try:
            uuid, learner, notice = admin.revoke(uow.session, issuer, args.credential, args.reason, by="operator",
                                                 now=now)
        except CredentialError as exc:
            raise InputError(str(exc)) from None
        if learner is not None and notice is not None:
            updates.notify(uow.session, Catalogs(), bot_id=settings.telegram.bot_id, learner=learner,
                           screens=[notice], now=now)
        uow.commit()
    print(f"revoked urn:uuid:{uuid}" + ("; the learner will be told" if learner else ""))
    catalog.close()
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    settings = Settings.from_env(need_token=False)
    catalog, issuer = _issuer(settings)
    with catalog.write_sessions.begin() as session:
        if args.action == "rotate":
            print(f"new signing key {issuer.keys.rotate(session, utcnow())}; earlier keys still verify")
        else:
            print(json.dumps(jwks(session), indent=2))
    catalog.close()
    return 0


def cmd_status_list(args: argparse.Namespace) -> int:
    settings = Settings.from_env(need_token=False)
    catalog, issuer = _issuer(settings)
    with catalog.write_sessions.begin() as session:
        for token in signed_lists(session, issuer.keys, issuer.public_url, utcnow()):
            print(token)
    catalog.close()
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Verify a credential: with this advisor's database, or offline with a JWK set and status lists."""
    try:
        token = Path(args.file).read_text(encoding="ascii", errors="replace").strip() if args.file != "-" \
            else sys.stdin.read().strip()
    except OSError as exc:
        raise InputError(f"cannot read {args.file}: {type(exc).__name__}") from None
    now = utcnow()
    if args.jwks:
        keys = _published_keys(Path(args.jwks))
        lists = {}
        for path in args.status_list or []:
            try:
                tokens = Path(path).read_text(encoding="ascii").split()
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"cannot read the status list {path}: {type(exc).__name__}") from None
            for line in tokens:
                listed = signing.verify(line, keys=keys, revoked=lambda c: None, now=now,
                                        structure=status_list_problem)
                if listed.credential is None or not listed.valid:
                    raise InputError(f"{path}: the status list is not valid ({listed.reason})")
                lists[listed.credential["id"]] = listed.credential
        revoked = revoked_by_list(lists) if lists else (lambda c: None)
        try:
            verdict = signing.verify(token, keys=keys, revoked=revoked, now=now, holder=args.holder)
        except LookupError as exc:
            raise InputError(str(exc)) from None
        if not lists:
            verdict.warnings.append("revocation not checked: give --status-list")
    else:
        catalog, issuer = open_records(Settings.from_env(need_token=False), issuing=False)
        key = issuer.keys.identity_key() if issuer is not None else None
        with catalog.sessions() as session:
            verdict = verify_here(session, token, now, holder=args.holder, identity_key=key)
        catalog.close()
    print(json.dumps(_verdict_json(verdict), ensure_ascii=False, indent=2) if args.json else _verdict_text(verdict))
    return 0 if verdict.valid and verdict.holder_matches is not False else 1


def _published_keys(path: Path) -> dict[str, dict[str, Any]]:
    """A JWK set file (``keys jwks``) as kid → JWK, every key checked to be an RSA public key."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        keys = {k["kid"]: k for k in document["keys"]}
        for jwk in keys.values():
            jwt.PyJWK(jwk, algorithm=signing.ALGORITHM)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, jwt.PyJWKError) as exc:
        raise InputError(f"{path} is not a JWK set of RSA public keys ({type(exc).__name__})") from None
    return keys


def _verdict_json(verdict: signing.Verdict) -> dict[str, Any]:
    credential = verdict.credential or {} if verdict.valid or verdict.revocation else {}
    achievement = signing.part(signing.part(credential, "credentialSubject"), "achievement")
    out: dict[str, Any] = {"valid": verdict.valid, "reason": verdict.reason, "detail": verdict.detail,
                           "id": credential.get("id"), "achievement": achievement.get("name"),
                           "issuer": signing.part(credential, "issuer").get("name"),
                           "validFrom": credential.get("validFrom"), "kid": verdict.kid, "warnings": verdict.warnings}
    if verdict.revocation is not None:
        out["revocation"] = {"at": verdict.revocation.at.isoformat() if verdict.revocation.at else None,
                             "reason": verdict.revocation.reason}
    if verdict.holder_matches is not None:
        out["holder_matches"] = verdict.holder_matches
    return out


def _verdict_text(verdict: signing.Verdict) -> str:
    info = _verdict_json(verdict)
    if verdict.valid:
        lines = [f"valid: {info['achievement']}, issued by {info['issuer']} on {info['validFrom']} ({info['id']})"]
    else:
        lines = [f"not valid ({verdict.reason}): {verdict.detail}"]
        if verdict.revocation is not None and verdict.revocation.reason:
            lines.append(f"reason given: {verdict.revocation.reason}")
    if verdict.holder_matches is not None:
        lines.append("issued to that person: " + ("yes" if verdict.holder_matches else "no"))
    lines += [f"warning: {w}" for w in verdict.warnings]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot on Telegram (default; needs ADVISOR_TELEGRAM_TOKEN)")
    demo = sub.add_parser("demo", help="chat with the bot in this terminal: no token, no network")
    demo.add_argument("--lang", default=None, help="Telegram app language of the demo user (km, vi, en)")
    p = sub.add_parser("complete", help="confirm completions: issues each learner's credential and tells them")
    p.add_argument("course", metavar="PROVIDER:CODE")
    p.add_argument("ids", nargs="*", metavar="TELEGRAM_USER_ID")
    p.add_argument("--file", metavar="LIST.csv", help="Telegram user ids in the first column (all or nothing)")
    p.set_defaults(func=cmd_complete)
    p = sub.add_parser("revoke", help="revoke a credential; the learner is told, with the reason")
    p.add_argument("credential", metavar="CREDENTIAL_ID")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.set_defaults(func=cmd_revoke)
    p = sub.add_parser("keys", help="signing keys: rotate, or print the public JWK set")
    p.add_argument("action", choices=("rotate", "jwks"))
    p.set_defaults(func=cmd_keys)
    p = sub.add_parser("status-list", help="print the signed revocation status list(s)")
    p.set_defaults(func=cmd_status_list)
    p = sub.add_parser("verify", help="verify a credential file (exit code 0 only when it is valid)")
    p.add_argument("file", metavar="FILE", help="the .jwt file, or - for stdin")
    p.add_argument("--json", action="store_true")
    p.add_argument("--holder", metavar="NAME_OR_PHONE",
                   help="also check that it was issued to this name or phone number")
    p.add_argument("--jwks", metavar="JWKS.json", help="verify offline with this public key set …")
    p.add_argument("--status-list", action="append", metavar="LIST.jwt", help="… and these status lists")
    p.set_defaults(func=cmd_verify)
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            from bot.demo.terminal import run_demo

            return asyncio.run(run_demo(Settings.from_env(need_token=False), language_code=args.lang))
        if getattr(args, "func", None) is not None:
            return int(args.func(args))
        return run(Settings.from_env())
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
