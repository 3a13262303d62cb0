"""An outreach programme's tools in the chat (prefix ``pg``): campaigns with their own link and QR code,
and results (/stats) as numbers, a chart and a CSV file, only ever in totals that point at no one
(:mod:`bot.programs.stats`). A programme sees its own campaigns only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
from dataclasses import dataclass, field

import segno
from sqlalchemy import select

from bot.accounts.models import PROGRAM, Account
from bot.accounts.service import slug
from bot.dialogue.core import Attachment, Flow, Int, Reply, Screen, Turn
from bot.dialogue.flows import accounts, onboarding
from bot.dialogue.html import esc
from bot.i18n import N_, Translator
from bot.programs import chart, stats
from bot.programs.models import Campaign
from catalog.language.text import normalize

FLOW = Flow("pg", "programme tools")
NEW = FLOW.action("c")
LINK = FLOW.action("q", Int(1))
RESULTS = FLOW.action("s")
EXPORT = FLOW.action("e")
MAX_NAME = 120
STAGE_NAMES = {
    "started": N_("opened the link"), "language": N_("chose a language"), "goal": N_("said what they want to learn"),
    "recommended": N_("got course suggestions"), "enrolled": N_("enrolled"), "completed": N_("completed a course"),
    "credential": N_("hold a certificate"),
}
GROUP_NAMES = {
    "woman": N_("women"), "man": N_("men"), "other": N_("other"), "unsaid": N_("not said"),
    "15-17": N_("15–17"), "18-24": N_("18–24"), "25-34": N_("25–34"), "35+": N_("35 and over"),
}


def link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def formula_safe(cell: str) -> str:
    """A spreadsheet runs a cell that starts with these as a formula: make it text (OWASP's advice)."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


@dataclass
class Home(Screen):
    organisation: str = ""
    # (id, name, code): no count per campaign here: with the totals of /stats, two campaigns' numbers
    # could be subtracted into a small group
    campaigns: list[tuple[int, str, str]] = field(default_factory=list)

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        lines = ["📣 <b>" + esc(self.organisation) + "</b>"]
        if not self.campaigns:
            lines.append(esc(_("No campaign yet. Make one: you get a link and a QR code to share; everyone who "
                               "starts the bot with it counts towards your results.")))
        lines += [f"• {esc(name)} ({esc(code)})" for _id, name, code in self.campaigns]
        buttons = [[(_("➕ New campaign"), NEW.data())]]
        buttons += [[(f"🔗 {name}", LINK.data(campaign_id))] for campaign_id, name, _c in self.campaigns[:10]]
        if self.campaigns:
            buttons.append([(_("📊 Results"), RESULTS.data()), (_("⬇ Results as CSV"), EXPORT.data())])
        return Reply("\n".join(lines), buttons)


@dataclass
class AskName(Screen):
    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("What is the campaign called? For example “Women in trades, Siem Reap 2027”. "
                                   "Only you see the name.")))


@dataclass
class CampaignLink(Screen):
    name: str = ""
    url: str = ""
    png: bytes = b""

    def view(self, t: Translator) -> Reply:
        text = "🔗 <b>" + esc(self.name) + "</b>\n" + esc(self.url) + "\n" + esc(t.gettext(
            "Share this link or print the QR code: people who start the bot with it count towards this campaign. "
            "They are not told anything about you, and you never see who they are."))
        return Reply(text, attachment=Attachment("photo", "campaign-qr.png", self.png))


@dataclass
class Chart(Screen):
    png: bytes = b""

    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("Your campaigns' results (numbers under 10 are shown as “<10”).")),
                     attachment=Attachment("photo", "results.png", self.png))


@dataclass
class Numbers(Screen):
    results: stats.Results | None = None

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        r = self.results
        assert r is not None
        lines = ["📊 <b>" + esc(_("All weeks")) + "</b> — " + esc(_("all · women · young people (15–24)"))]
        for stage in stats.STAGES:
            lines.append(esc(f"{_(STAGE_NAMES[stage])}: {self._n(t, r.weeks.totals[stage])} · "
                             f"{self._n(t, r.women[stage])} · {self._n(t, r.youth[stage])}"))
        if r.weeks.columns:
            lines += ["", "<b>" + esc(_("By week they started")) + "</b> — "
                      + esc(_(STAGE_NAMES["started"])) + " / " + esc(_(STAGE_NAMES["enrolled"]))]
            for week in r.weeks.columns[-8:]:
                started, enrolled = r.weeks.cells["started"][week], r.weeks.cells["enrolled"][week]
                lines.append(esc(f"{t.date(dt.date.fromisoformat(week))}: {self._n(t, started)} / "
                                 f"{self._n(t, enrolled)}"))
        lines += ["", esc(_("Numbers under 10 are shown as “<10”, and numbers hidden so that no one can work "
                            "out a small one as “–”. Gender and age are counted only for learners who chose to "
                            "say them."))]
        return Reply("\n".join(lines))

    @staticmethod
    def _n(t: Translator, value: int | None) -> str:
        return stats.shown(value) if stats.hidden(value) else t.number(value or 0)


@dataclass
class CsvFile(Screen):
    data: bytes = b""

    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("Your results as a spreadsheet file (the same totals, “<10” where hidden).")),
                     attachment=Attachment("document", "campaign-results.csv", self.data))


# -- behaviour ----------------------------------------------------------------------------------

def _campaigns(turn: Turn) -> list[Campaign]:
    if not turn.roles.program_ids:
        return []
    return list(turn.session.scalars(select(Campaign).where(Campaign.account_id.in_(turn.roles.program_ids))
                                     .order_by(Campaign.created_at.desc(), Campaign.id.desc())))


@FLOW.command("program")
def home(turn: Turn) -> list[Screen]:
    if not turn.consented:
        return onboarding.current(turn)
    if not turn.roles.program:
        return accounts.ask(turn, PROGRAM)
    account = turn.session.get(Account, min(turn.roles.program_ids))
    rows = [(c.id, c.name, c.code) for c in _campaigns(turn)]
    return [Home(turn.lang, organisation=account.organisation if account else "", campaigns=rows)]


@NEW.handles
def new_campaign(turn: Turn) -> list[Screen]:
    if not turn.roles.program:
        return onboarding.current(turn)
    turn.step = "campaign_name"
    return [AskName(turn.lang)]


@FLOW.on_step_text("campaign_name")
def name_campaign(turn: Turn, text: str) -> list[Screen]:
    turn.step = "ready"
    name = normalize(text)[:MAX_NAME]
    if not turn.roles.program or not name or name.startswith("/"):
        return onboarding.current(turn)
    code = f"{slug(name)[:40]}-{secrets.token_hex(3)}"  # letters, digits, "-": what a deep link allows
    campaign = Campaign(code=code, account_id=min(turn.roles.program_ids), name=name, created_at=turn.now)
    turn.session.add(campaign)
    turn.session.flush()
    return [_link_screen(turn, campaign)]


def _link_screen(turn: Turn, campaign: Campaign) -> CampaignLink:
    url = link(turn.bot_username or "your_bot", campaign.code)
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=4)
    return CampaignLink(turn.lang, name=campaign.name, url=url, png=buffer.getvalue())


@LINK.handles
def show_link(turn: Turn, campaign_id: int) -> list[Screen]:
    campaign = turn.session.get(Campaign, campaign_id)
    if campaign is None or campaign.account_id not in turn.roles.program_ids:
        return onboarding.current(turn)
    return [_link_screen(turn, campaign)]


def _results(turn: Turn) -> stats.Results | None:
    campaigns = _campaigns(turn)
    return stats.results(turn.session, [c.code for c in campaigns]) if campaigns else None


@FLOW.command("stats")
@RESULTS.handles
def results(turn: Turn) -> list[Screen]:
    if not turn.roles.program:
        return onboarding.current(turn)
    r = _results(turn)
    if r is None:
        return home(turn)
    t = turn.t
    text = chart.ChartText(title=t.gettext("How far your learners came"),
                           subtitle=t.gettext("All your campaigns, all weeks"),
                           stages=[t.gettext(STAGE_NAMES[s]) for s in stats.STAGES],
                           series=[t.gettext("all"), t.gettext("women"), t.gettext("young people (15–24)")],
                           hidden=stats.shown(None), masked=stats.shown(stats.MASKED), number=t.number)
    values = [[r.weeks.totals[s] for s in stats.STAGES], [r.women[s] for s in stats.STAGES],
              [r.youth[s] for s in stats.STAGES]]
    turn.release()  # drawing takes a moment: no transaction open meanwhile
    return [Chart(turn.lang, png=chart.render(text, values)), Numbers(turn.lang, results=r)]


@EXPORT.handles
def export(turn: Turn) -> list[Screen]:
    if not turn.roles.program:
        return onboarding.current(turn)
    r = _results(turn)
    if r is None:
        return home(turn)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["table", "stage", "column", "count"])
    for name, table in (("week", r.weeks), ("gender", r.genders), ("age", r.ages)):
        for stage in stats.STAGES:
            for column in table.columns:
                writer.writerow([name, stage, formula_safe(column), stats.shown(table.cells[stage][column])])
            writer.writerow([name, stage, "all", stats.shown(table.totals[stage])])
    for stage in stats.STAGES:
        writer.writerow(["youth", stage, "15-24", stats.shown(r.youth[stage])])
    return [CsvFile(turn.lang, data="\ufeff".encode() + out.getvalue().encode("utf-8"))]
