"""The conversation's flows. A new feature adds a module here and one line to :data:`FLOWS`."""

from __future__ import annotations

from bot.dialogue.core import Router
from bot.dialogue.flows import courses, discovery, goals, help, onboarding, privacy

FLOWS = (onboarding.FLOW, goals.FLOW, courses.FLOW, discovery.FLOW, privacy.FLOW, help.FLOW)


def build_router() -> Router:
    return Router(FLOWS, gate=onboarding.gate, expired=onboarding.current, unknown=help.unknown)
