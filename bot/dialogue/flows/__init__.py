"""The conversation's flows. A new feature adds a module here and one line to :data:`FLOWS`."""

from __future__ import annotations

from bot.dialogue.core import Router
from bot.dialogue.flows import (
    accounts,
    admin,
    courses,
    discovery,
    goals,
    help,
    onboarding,
    pathways,
    privacy,
    profile,
    program,
    provider,
    verify,
    wallet,
)

# Uploads go to the first flow whose test accepts them: credentials (verify) before course files.
FLOWS = (onboarding.FLOW, goals.FLOW, courses.FLOW, discovery.FLOW, wallet.FLOW, profile.FLOW, pathways.FLOW,
         verify.FLOW, privacy.FLOW, admin.FLOW, accounts.FLOW, provider.FLOW, program.FLOW, help.FLOW)


def build_router() -> Router:
    return Router(FLOWS, gate=onboarding.gate, expired=onboarding.current, unknown=help.unknown)
