"""The callback codec and the router: strict decoding, one owner per button and command."""

from __future__ import annotations

import pytest

from bot.dialogue.core import Flow, Int, OneOf, Router, command_data
from bot.dialogue.flows import build_router
from bot.dialogue.flows.courses import ENROL
from bot.dialogue.flows.discovery import JOB
from bot.dialogue.flows.goals import MORE, PLACE

ROUTER = build_router()


@pytest.mark.parametrize("data", [
    "c.e:abc", "c.e:", "c.e", "r.m:-1", "r.l:-5", "c.w:1e3", "c.d:99999999999999999999", "c.e:١٢", "c.e:012",
    "c.e:+1", "c.e: 1", "c.e:1 ", "r.m:12", "r.p:atlantis", "g.j:ict", "g.j:ict.", "g.j:.1", "g.j:nowhere.1",
    "o.l:fr", "g.b:1", "zz:1", "e:17", "/nosuchcommand", "/", "", "c.e:" + "9" * 70,
])
def test_anything_the_bot_did_not_produce_does_not_decode(data: str) -> None:
    assert ROUTER.decode(data) is None


def test_round_trip() -> None:
    assert ROUTER.decode(ENROL.data(123)) == (ENROL, 123)
    assert ROUTER.decode(MORE.data(11)) == (MORE, 11)
    assert ROUTER.decode(JOB.data(("ict", 2))) == (JOB, ("ict", 2))
    assert ROUTER.decode(PLACE.data("kampot")) == (PLACE, "kampot")
    spec, value = ROUTER.decode(command_data("mycourses"))  # type: ignore[misc]
    assert spec.name == "mycourses" and value is None


def test_encoding_refuses_what_would_not_decode() -> None:
    for bad in (lambda: ENROL.data("abc"), lambda: ENROL.data(-1), lambda: ENROL.data(True), lambda: MORE.data(12),
                lambda: PLACE.data("x" * 63), lambda: ENROL.data(None), lambda: command_data("no spaces")):
        with pytest.raises(ValueError):
            bad()


def test_every_button_fits_telegrams_limit() -> None:
    for action in ROUTER.actions.values():
        if isinstance(action.arg, Int):
            assert len(action.data(action.arg.hi).encode()) <= 64
        elif isinstance(action.arg, OneOf):
            assert all(len(action.data(v).encode()) <= 64 for v in action.arg.values)


def test_flows_cannot_collide() -> None:
    one, two = Flow("x", "one"), Flow("x", "two")
    for flow in (one, two):
        flow.on_text(lambda turn, text: [])
        flow.on_other(lambda turn: [])
    with pytest.raises(ValueError):
        Router([one, two], gate=lambda t, i: [], expired=lambda t: [], unknown=lambda t: [])
    with pytest.raises(ValueError):
        one.action("1")
    unbound = Flow("y", "unbound")
    unbound.action("a")
    with pytest.raises(ValueError, match="no handler"):
        Router([*ROUTER.flows, unbound], gate=lambda t, i: [], expired=lambda t: [], unknown=lambda t: [])


def test_menu_order() -> None:
    assert [name for name, _ in ROUTER.menu()] == ["start", "choose", "mycourses", "mycredentials", "name", "phone",
                                                    "about", "mypath", "verify", "alerts", "language", "privacy",
                                                    "mydata", "delete", "help"]
    for hidden in ("complete", "revoke", "broadcast", "accounts", "provider", "program", "stats"):
        assert hidden not in dict(ROUTER.menu())  # roles' commands: /help names /provider and /program
