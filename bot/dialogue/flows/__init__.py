"""The conversation's flows. A new feature adds a module here and one line to :data:`FLOWS`."""

from __future__ import annotations

from bot.dialogue.core import Router
from bot.dialogue.flows import (
    admin,
    courses,
    discovery,
    goals,
    help,
    onboarding,
    pathways,
    privacy,
    profile,
    verify,
    wallet,
)

FLOWS = (onboarding.FLOW, goals.FLOW, courses.FLOW, discovery.FLOW, wallet.FLOW, profile.FLOW, pathways.FLOW,
         verify.FLOW, privacy.FLOW, admin.FLOW, help.FLOW)


def build_router() -> Router:
    return Router(FLOWS, gate=onboarding.gate, expired=onboarding.current, unknown=help.unknown)
