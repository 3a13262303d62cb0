"""A training provider's tools in the chat (prefix ``pv``): the template, course files checked and
shown as a report before anything changes, their courses (retire, offer again), their learners per
course with one-tap completions, a completion list to fill in and send back, and revocation.

Every action checks, on this update, that the course or enrolment belongs to a provider this person
acts for: a forged button naming another provider's course or learner gets "out of date", exactly
like a button that never existed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from bot.accounts.models import PROVIDER, Account
from bot.dialogue.core import Attachment, Flow, Int, OneOf, Reply, Screen, TooLarge, Turn, Upload
from bot.dialogue.flows import accounts, admin, onboarding
from bot.dialogue.flows.courses import course_title
from bot.dialogue.html import esc
from bot.i18n import LANGUAGES, Translator
from bot.learners import service as learners
from bot.learners.models import Enrolment, Learner
from bot.providers import template, uploads
from bot.providers.models import CATALOG, COMPLETIONS
from catalog.courses.ingest import IngestReport, ingest_bytes, set_active
from catalog.courses.problems import MESSAGES, WORDS, Problem
from catalog.courses.schema import localized
from catalog.courses.validation import size_problem
from catalog.language.text import normalize
from catalog.storage.models import Course, Provider

FLOW = Flow("pv", "provider tools")
TEMPLATE = FLOW.action("t", OneOf(LANGUAGES))
CSV_TEMPLATE = FLOW.action("v", OneOf(LANGUAGES))
COURSES = FLOW.action("l", Int(0, 999))
LEARNERS = FLOW.action("e", Int(1))
RETIRE = FLOW.action("o", Int(1))
OFFER = FLOW.action("b", Int(1))
COMPLETE = FLOW.action("c", Int(1))
NOT_COMPLETE = FLOW.action("f", Int(1))
REVOKE = FLOW.action("k", Int(1))
CONFIRM_REVOKE = FLOW.action("r", Int(1))
KEEP = FLOW.action("q")
LIST = FLOW.action("d")
APPLY = FLOW.action("y", Int(1))
CANCEL = FLOW.action("n", Int(1))
PAGE = 8
SHOWN = 12  # codes listed per kind of change, problems listed in a report

_WORDS = {v: v for v in WORDS.values()}


def problem_text(t: Translator, p: Problem) -> str:
    """One problem in the provider's language: where, then what (the sentence of its kind)."""
    params = {k: (t.gettext(v) if isinstance(v, str) and v in _WORDS else t.number(v) if isinstance(v, int) else v)
              for k, v in p.params.items()}
    sentence = t.gettext(MESSAGES[p.kind]).format(**params)
    if p.row is None:
        return f"{p.column}: {sentence}" if p.column else sentence
    where = t.gettext("row {row}").format(row=p.row)
    return f"{where}, {p.column}: {sentence}" if p.column else f"{where}: {sentence}"


@dataclass
class Home(Screen):
    organisation: str = ""
    code: str = ""
    courses: int = 0
    waiting: int = 0  # learners enrolled and not yet completed

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        text = "\n".join([
            "🏫 <b>" + esc(self.organisation) + "</b> · " + esc(self.code),
            esc(t.ngettext("{n} course offered", "{n} courses offered", self.courses).format(n=t.number(self.courses)))
            + " · " + esc(t.ngettext("{n} learner enrolled", "{n} learners enrolled", self.waiting).format(
                n=t.number(self.waiting))),
            "",
            esc(_("To add or change courses, send me your course file (Excel, CSV or JSON). I check every row and "
                  "show you what would change; nothing changes until you confirm.")),
            esc(_("Start from the template: it has an example row, every column explained and the list of fields "
                  "of training.")),
        ])
        return Reply(text, [
            [(_("📄 Template (Khmer)"), TEMPLATE.data("km")), (_("📄 Template (Vietnamese)"), TEMPLATE.data("vi"))],
            [(_("📄 Template (English)"), TEMPLATE.data("en")), (_("📄 CSV template"), CSV_TEMPLATE.data(t.lang))],
            [(_("📚 My courses"), COURSES.data(0)), (_("✅ Completion list"), LIST.data())],
        ])


@dataclass
class TemplateFile(Screen):
    filename: str = ""
    data: bytes = b""
    kind: str = "document"

    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("The course template: replace the example row with your courses (one row "
                                   "each), keep the first row as it is, and send the file back to me.")),
                     attachment=Attachment(self.kind, self.filename, self.data))


@dataclass
class CatalogReport(Screen):
    upload_id: int = 0
    report: IngestReport | None = None

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        r = self.report
        assert r is not None
        if not r.ok:
            lines = ["❌ <b>" + esc(t.ngettext("{n} problem in {file}; nothing was changed.",
                                              "{n} problems in {file}; nothing was changed.", len(r.problems))
                                    .format(n=t.number(len(r.problems)), file=r.filename)) + "</b>"]
            lines += ["• " + esc(problem_text(t, p)) for p in r.problems[:SHOWN]]
            if len(r.problems) > SHOWN:
                lines.append(esc(_("… and {n} more. Correct these first, then send the file again.").format(
                    n=t.number(len(r.problems) - SHOWN))))
            else:
                lines.append(esc(_("Correct them and send the file again.")))
            return Reply("\n".join(lines))

        def listed(codes: list[str]) -> str:
            names = [f"{c} {localized(r.titles.get(c, {}), t.lang)[0]}".strip() for c in codes[:SHOWN]]
            more = len(codes) - SHOWN
            return "; ".join(names) + (" …" + t.number(more) if more > 0 else "")

        lines = ["📋 <b>" + esc(_("{file}: ready to apply").format(file=r.filename)) + "</b>"]
        for label, codes in ((_("New: {n}"), r.created), (_("Changed: {n}"), r.updated),
                             (_("No longer offered: {n}"), r.retired), (_("Unchanged: {n}"), r.unchanged)):
            if codes:
                lines.append(esc(label.format(n=t.number(len(codes)))) + " — " + esc(listed(codes)))
        if r.warnings:
            lines.append("⚠️ " + esc(_("Accepted, but worth fixing:")))
            lines += ["• " + esc(problem_text(t, w)) for w in r.warnings[:SHOWN]]
        if r.encoding == "cp1258":
            lines.append(esc(_("(The file was saved in the old Windows Vietnamese encoding; I read it as such. "
                               "Check that the accents look right above.)")))
        if not (r.created or r.updated):
            lines.append(esc(_("Nothing would change: these courses are already as in the file.")))
            return Reply("\n".join(lines))
        lines.append(esc(_("Apply these changes? Learners see new courses within a minute.")))
        return Reply("\n".join(lines), [[(_("✅ Apply"), APPLY.data(self.upload_id)),
                                         (_("✖ Cancel"), CANCEL.data(self.upload_id))]])


@dataclass
class Applied(Screen):
    report: IngestReport | None = None

    def view(self, t: Translator) -> Reply:
        r = self.report
        assert r is not None
        if not r.ok:  # the catalog changed between the check and the confirmation
            return Reply("❌ " + esc(t.gettext("The file no longer applies: {problem} Nothing was changed; send it "
                                               "again.").format(problem=problem_text(t, r.problems[0]))))
        return Reply("✅ " + esc(t.gettext("Done: {new} new, {changed} changed. Learners can find them now.").format(
            new=t.number(len(r.created)), changed=t.number(len(r.updated)))))


@dataclass
class Cancelled(Screen):
    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("Cancelled: nothing was changed.")))


@dataclass
class Expired(Screen):
    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("That check is no longer there (it is kept for two days). Send the file again.")))


@dataclass
class CompletionReport(Screen):
    upload_id: int = 0
    plan: uploads.CompletionPlan = field(default_factory=uploads.CompletionPlan)
    filename: str = ""

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        p = self.plan
        words = {
            "no_column": _("the list needs the columns enrolment and result, as in the completion list I send."),
            "unknown_enrolment": _("“{value}” is not one of your learners' enrolments."),
            "duplicate": _("“{value}” is in the list twice."),
            "bad_result": _("“{value}” is not a result: write completed or not completed."),
            "not_open": _("this enrolment is closed already ({value})."),
        }
        if p.problems:
            lines = ["❌ <b>" + esc(t.ngettext("{n} problem in {file}; nobody was confirmed.",
                                              "{n} problems in {file}; nobody was confirmed.", len(p.problems))
                                    .format(n=t.number(len(p.problems)), file=self.filename)) + "</b>"]
            for problem in p.problems[:SHOWN]:
                where = t.gettext("row {row}").format(row=problem.row)
                lines.append("• " + esc(f"{where}, {problem.column}: " + words[problem.kind].format(
                    value=problem.value)))
            return Reply("\n".join(lines))
        if not (p.complete or p.fail):
            return Reply(esc(_("Nothing to confirm: the list has no new results.")))
        text = "📋 " + esc(_("{file}: {done} completed (each gets a certificate), {failed} not completed. Confirm?")
                          .format(file=self.filename, done=t.number(len(p.complete)), failed=t.number(len(p.fail))))
        return Reply(text, [[(_("✅ Confirm"), APPLY.data(self.upload_id)),
                             (_("✖ Cancel"), CANCEL.data(self.upload_id))]])


@dataclass
class Confirmed(Screen):
    done: int = 0
    failed: int = 0

    def view(self, t: Translator) -> Reply:
        return Reply("✅ " + esc(t.gettext("Confirmed: {done} completed, {failed} not completed. The learners are "
                                           "told.").format(done=t.number(self.done), failed=t.number(self.failed))))


@dataclass
class CourseList(Screen):
    page: int = 0
    rows: list[tuple[int, str, str, bool, int, int]] = field(default_factory=list)  # id, code, title, active, enr, done
    more: bool = False

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        if not self.rows:
            return Reply(esc(_("You have no courses yet. Send me your course file to add them.")))
        lines, buttons = ["📚 <b>" + esc(_("Your courses")) + "</b>"], []
        for course_id, code, title, active, enrolled, completed in self.rows:
            state = "" if active else " · " + _("not offered")
            lines.append(f"{esc(code)} · {esc(title)} · " + esc(_("{enrolled} enrolled, {completed} completed").format(
                enrolled=t.number(enrolled), completed=t.number(completed))) + esc(state))
            buttons.append([(f"👥 {code}", LEARNERS.data(course_id)),
                            (_("⏸ Retire {code}").format(code=code), RETIRE.data(course_id)) if active else
                            (_("▶ Offer {code} again").format(code=code), OFFER.data(course_id))])
        pager = []
        if self.page:
            pager.append((_("◀ Previous"), COURSES.data(self.page - 1)))
        if self.more:
            pager.append((_("More ▶"), COURSES.data(self.page + 1)))
        return Reply("\n".join(lines), buttons + ([pager] if pager else []))


@dataclass
class CourseLearners(Screen):
    code: str = ""
    title: str = ""
    rows: list[tuple[int, str, str, str]] = field(default_factory=list)  # enrolment id, name, date, status

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        status = {learners.ENROLLED: _("enrolled"), learners.COMPLETED: _("completed"),
                  learners.WITHDRAWN: _("withdrew"), learners.NOT_COMPLETED: _("not completed")}
        lines = ["👥 <b>" + esc(f"{self.code} · {self.title}") + "</b>"]
        if not self.rows:
            lines.append(esc(_("Nobody has enrolled yet.")))
        buttons = []
        for enrolment_id, name, since, state in self.rows:
            lines.append(f"E{enrolment_id} · {esc(name or '—')} · {esc(since)} · {esc(status.get(state, state))}")
            if state == learners.ENROLLED:
                buttons.append([(_("✅ E{n} completed").format(n=enrolment_id), COMPLETE.data(enrolment_id)),
                                (_("✖ E{n} not completed").format(n=enrolment_id), NOT_COMPLETE.data(enrolment_id))])
            elif state == learners.COMPLETED:
                buttons.append([(_("⛔ Revoke E{n}'s certificate").format(n=enrolment_id), REVOKE.data(enrolment_id))])
        return Reply("\n".join(lines), buttons[:20])


@dataclass
class Changed(Screen):
    what: str = ""  # completed, not_completed, retired, offered, refused
    code: str = ""

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        words = {
            "completed": _("✅ Confirmed: {code} completed; the learner received their certificate."),
            "not_completed": _("Recorded: {code} not completed; the learner is told."),
            "retired": _("⏸ {code} is no longer offered: learners stop seeing it within a minute."),
            "offered": _("▶ {code} is offered again."),
            "refused": _("{code} cannot change any more (it was withdrawn or decided already)."),
            "no_issuer": _("Nothing was changed: certificates cannot be issued yet, because this advisor has no "
                           "public address for them (ADVISOR_PUBLIC_URL). Tell the team that runs it."),
        }
        return Reply(esc(words[self.what].format(code=self.code)))


@dataclass
class NotCompletedNotice(Screen):
    """Told to the learner when their provider records that they did not complete a course."""

    title: str = ""

    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("Your training provider recorded that you did not complete {course}. If this "
                                   "is a mistake, please contact them. You can enrol again.").format(
                                       course=self.title)))


@dataclass
class AskRevokeReason(Screen):
    enrolment_id: int = 0

    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("Why is E{n}'s certificate revoked? Type the reason: the learner will read "
                                   "it, and so will anyone who checks the certificate.").format(n=self.enrolment_id)))


@dataclass
class ConfirmRevoke(Screen):
    enrolment_id: int = 0
    reason: str = ""

    def view(self, t: Translator) -> Reply:
        _ = t.gettext
        text = esc(_("Revoke E{n}'s certificate? This cannot be undone; the learner and anyone who checks the "
                     "certificate will read the reason: “{reason}”").format(n=self.enrolment_id, reason=self.reason))
        return Reply(text, [[(_("⛔ Revoke"), CONFIRM_REVOKE.data(self.enrolment_id)), (_("✖ Keep it"), KEEP.data())]])


@dataclass
class NotProvider(Screen):
    def view(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("I read files from training providers (their course lists: /provider) and "
                                   "certificates (.jwt files) to check them. This file is neither.")))


@dataclass
class ListFile(Screen):
    data: bytes = b""
    empty: bool = False

    def view(self, t: Translator) -> Reply:
        if self.empty:
            return Reply(esc(t.gettext("None of your learners is waiting for a result.")))
        return Reply(esc(t.gettext("Your enrolled learners. Write completed or not completed in the column result, "
                                   "then send the file back to me; I will show you what it confirms first.")),
                     attachment=Attachment("document", "completions.xlsx", self.data))


# -- behaviour ----------------------------------------------------------------------------------

@dataclass
class FileTooLarge(Screen):
    problem: Problem | None = None

    def view(self, t: Translator) -> Reply:
        assert self.problem is not None
        return Reply("❌ " + esc(problem_text(t, self.problem)) + "\n" + esc(t.gettext(
            "Send the course list only (one sheet, no pictures), or split it into several files.")))


def _account(turn: Turn) -> Account | None:
    ids = turn.roles.provider_accounts
    return turn.session.get(Account, min(ids)) if ids else None


def _mine(turn: Turn, course_id: int) -> Course | None:
    course = turn.session.get(Course, course_id)
    return course if course is not None and course.provider_id in turn.roles.provider_ids else None


def _my_enrolment(turn: Turn, enrolment_id: int) -> tuple[Enrolment, Course, Learner] | None:
    enrolment = turn.session.get(Enrolment, enrolment_id)
    course = _mine(turn, enrolment.course_id) if enrolment is not None else None
    person = turn.session.get(Learner, enrolment.learner_id) if enrolment is not None else None
    return (enrolment, course, person) if enrolment and course and person else None


def _stale(turn: Turn) -> list[Screen]:
    """A button of a role this person does not have (any more), or naming what is not theirs."""
    return onboarding.current(turn)


@FLOW.command("provider")
def home(turn: Turn) -> list[Screen]:
    account = _account(turn)
    if account is None or not turn.consented:
        return accounts.ask(turn, PROVIDER) if turn.consented else _stale(turn)
    provider = turn.session.get(Provider, account.provider_id)
    assert provider is not None
    courses = turn.session.scalar(select(func.count()).select_from(Course).where(
        Course.provider_id == provider.id, Course.active)) or 0
    waiting = turn.session.scalar(select(func.count()).select_from(Enrolment).join(Course).where(
        Course.provider_id == provider.id, Enrolment.status == learners.ENROLLED)) or 0
    return [Home(turn.lang, organisation=localized(provider.name, turn.lang)[0] or account.organisation,
                 code=provider.code, courses=courses, waiting=waiting)]


@TEMPLATE.handles
def workbook(turn: Turn, lang: str) -> list[Screen]:
    if not turn.roles.provider:
        return _stale(turn)
    data = template.course_workbook(turn.translations.translator(lang), lang)
    return [TemplateFile(turn.lang, filename=f"courses-template-{lang}.xlsx", data=data)]


@CSV_TEMPLATE.handles
def csv_template(turn: Turn, lang: str) -> list[Screen]:
    if not turn.roles.provider:
        return _stale(turn)
    return [TemplateFile(turn.lang, filename=f"courses-template-{lang}.csv", data=template.course_csv(lang))]


@FLOW.on_upload(lambda filename, data: True)  # after the flows that read particular files (credentials)
def upload(turn: Turn, file: Upload) -> list[Screen]:
    account = _account(turn)
    if account is None or turn.catalog_settings is None:
        return [NotProvider(turn.lang)]
    provider = turn.session.get(Provider, account.provider_id)
    assert provider is not None
    if uploads.is_completion_list(file.filename, file.data):
        plan = uploads.plan_completions(turn.session, turn.roles.provider_ids, file.filename, file.data)
        kept = uploads.keep(turn.session, account_id=account.id, provider_id=provider.id, kind=COMPLETIONS,
                            filename=file.filename, data=file.data, now=turn.now) if plan.ok else None
        return [CompletionReport(turn.lang, upload_id=kept.id if kept else 0, plan=plan, filename=file.filename)]
    report = uploads.preview(turn.session, turn.catalog_settings, provider, file.filename, file.data)
    kept = uploads.keep(turn.session, account_id=account.id, provider_id=provider.id, kind=CATALOG,
                        filename=file.filename, data=file.data, now=turn.now) if report.ok else None
    return [CatalogReport(turn.lang, upload_id=kept.id if kept else 0, report=report)]


@FLOW.on_too_large
def too_large(turn: Turn, file: TooLarge) -> list[Screen]:
    if _account(turn) is None or turn.catalog_settings is None:
        return [NotProvider(turn.lang)]
    return [FileTooLarge(turn.lang, problem=size_problem(file.size, turn.catalog_settings.max_upload_bytes))]


@APPLY.handles
def apply(turn: Turn, upload_id: int) -> list[Screen]:
    row = uploads.pending(turn.session, upload_id, turn.roles.provider_accounts, turn.now)
    if row is None or row.provider_id not in turn.roles.provider_ids or turn.catalog_settings is None:
        return [Expired(turn.lang, replace=True)]
    provider = turn.session.get(Provider, row.provider_id)
    assert provider is not None
    filename, data, kind = row.filename, row.data, row.kind
    turn.session.delete(row)
    if kind == COMPLETIONS:
        return _confirm_list(turn, filename, data)
    report = ingest_bytes(turn.session, turn.catalog_settings, data, filename, provider_code=provider.code,
                          courses_only=True)
    turn.catalog_changed = report.ok and report.changed
    return [Applied(turn.lang, report=report, replace=True)]


def _confirm_list(turn: Turn, filename: str, data: bytes) -> list[Screen]:
    plan = uploads.plan_completions(turn.session, turn.roles.provider_ids, filename, data)
    if plan.problems:  # something changed since the check: all or nothing, so nothing
        return [CompletionReport(turn.lang, plan=plan, filename=filename, replace=True)]
    if plan.complete and turn.issuer is None:  # every row or none: no certificates, so no row
        return [Changed(turn.lang, what="no_issuer", code=filename, replace=True)]
    done = failed = 0
    for enrolment_id in plan.complete + plan.fail:
        mine = _my_enrolment(turn, enrolment_id)
        assert mine is not None
        outcome = _settle(turn, *mine, completed=enrolment_id in plan.complete)
        done += outcome == "completed"
        failed += outcome == "not_completed"
    return [Confirmed(turn.lang, done=done, failed=failed, replace=True)]


@CANCEL.handles
def cancel(turn: Turn, upload_id: int) -> list[Screen]:
    row = uploads.pending(turn.session, upload_id, turn.roles.provider_accounts, turn.now)
    if row is not None:
        turn.session.delete(row)
    return [Cancelled(turn.lang, replace=True)]


@COURSES.handles
def course_list(turn: Turn, page: int) -> list[Screen]:
    if not turn.roles.provider:
        return _stale(turn)
    courses = list(turn.session.scalars(select(Course).where(Course.provider_id.in_(turn.roles.provider_ids))
                                        .order_by(Course.active.desc(), Course.code)
                                        .offset(page * PAGE).limit(PAGE + 1)))
    counts = dict(turn.session.execute(select(Enrolment.course_id, func.count()).where(
        Enrolment.course_id.in_([c.id for c in courses])).group_by(Enrolment.course_id)).all())
    done = dict(turn.session.execute(select(Enrolment.course_id, func.count()).where(
        Enrolment.course_id.in_([c.id for c in courses]), Enrolment.status == learners.COMPLETED)
        .group_by(Enrolment.course_id)).all())
    rows = [(c.id, c.code, course_title(c, turn.lang), c.active, counts.get(c.id, 0), done.get(c.id, 0))
            for c in courses[:PAGE]]
    return [CourseList(turn.lang, page=page, rows=rows, more=len(courses) > PAGE, replace=page > 0)]


@LEARNERS.handles
def course_learners(turn: Turn, course_id: int) -> list[Screen]:
    course = _mine(turn, course_id)
    if course is None:
        return _stale(turn)
    rows = [(e.id, person.display_name or "", turn.t.date(e.created_at.date()), e.status)
            for e, person in turn.session.execute(select(Enrolment, Learner).join(Learner).where(
                Enrolment.course_id == course.id).order_by(Enrolment.status, Enrolment.id)).all()]
    return [CourseLearners(turn.lang, code=course.code, title=course_title(course, turn.lang), rows=rows)]


def _retire(turn: Turn, course_id: int, active: bool) -> list[Screen]:
    course = _mine(turn, course_id)
    if course is None:
        return _stale(turn)
    turn.catalog_changed = set_active(turn.session, course, active)
    return [Changed(turn.lang, what="offered" if active else "retired", code=course.code)]


@RETIRE.handles
def retire(turn: Turn, course_id: int) -> list[Screen]:
    return _retire(turn, course_id, False)


@OFFER.handles
def offer(turn: Turn, course_id: int) -> list[Screen]:
    return _retire(turn, course_id, True)


def _actor(turn: Turn) -> str:
    """Who did it, in the enrolment's history: the provider(s) this person acts for."""
    return "provider:" + ",".join(sorted(str(p) for p in turn.roles.provider_ids))


def _settle(turn: Turn, enrolment: Enrolment, course: Course, person: Learner, *, completed: bool) -> str:
    """Complete (issuing the credential) or mark not completed; the learner is told. Returns what happened."""
    if completed:
        if turn.issuer is None:
            return "no_issuer"
        result = admin.complete_enrolment(turn.session, turn.issuer, person, enrolment, course, actor="provider",
                                          actor_ref=_actor(turn), now=turn.now)
        if result.notice is not None:
            turn.notify(person, result.notice)
        return "completed" if result.outcome in (admin.DONE, admin.ALREADY) else "refused"
    try:
        learners.change_status(turn.session, enrolment, learners.NOT_COMPLETED, actor="provider",
                               actor_ref=_actor(turn), now=turn.now)
    except learners.TransitionRefused:
        return "refused"
    lang = person.language or turn.lang
    turn.notify(person, NotCompletedNotice(lang, title=course_title(course, lang)))
    return "not_completed"


def _one(turn: Turn, enrolment_id: int, completed: bool) -> list[Screen]:
    mine = _my_enrolment(turn, enrolment_id)
    if mine is None:
        return _stale(turn)
    return [Changed(turn.lang, what=_settle(turn, *mine, completed=completed), code=f"E{enrolment_id}")]


@COMPLETE.handles
def complete(turn: Turn, enrolment_id: int) -> list[Screen]:
    return _one(turn, enrolment_id, True)


@NOT_COMPLETE.handles
def not_complete(turn: Turn, enrolment_id: int) -> list[Screen]:
    return _one(turn, enrolment_id, False)


@LIST.handles
def completion_list(turn: Turn) -> list[Screen]:
    if not turn.roles.provider:
        return _stale(turn)
    rows = [template.EnrolledRow(e.id, c.code, course_title(c, turn.lang), person.display_name or "",
                                 e.created_at.date(), e.status)
            for e, c, person in turn.session.execute(
                select(Enrolment, Course, Learner).join(Course, Enrolment.course_id == Course.id)
                .join(Learner, Enrolment.learner_id == Learner.id)
                .where(Course.provider_id.in_(turn.roles.provider_ids), Enrolment.status == learners.ENROLLED)
                .order_by(Course.code, Enrolment.id)).all()]
    if not rows:
        return [ListFile(turn.lang, empty=True)]
    return [ListFile(turn.lang, data=template.completion_workbook(turn.t, rows))]


@REVOKE.handles
def ask_revoke(turn: Turn, enrolment_id: int) -> list[Screen]:
    mine = _my_enrolment(turn, enrolment_id)
    if mine is None or mine[0].status != learners.COMPLETED:
        return _stale(turn)
    turn.step, turn.state["revoke_enrolment"] = "provider_revoke", enrolment_id
    return [AskRevokeReason(turn.lang, enrolment_id=enrolment_id)]


@FLOW.on_step_text("provider_revoke")
def revoke_reason(turn: Turn, text: str) -> list[Screen]:
    """The reason is shown back with a last chance to keep the certificate: revoking cannot be undone."""
    enrolment_id = int(turn.state.get("revoke_enrolment", 0) or 0)
    turn.step = "ready"
    reason = normalize(text)[:500]
    if not reason or _my_enrolment(turn, enrolment_id) is None:
        return [Changed(turn.lang, what="refused", code=f"E{enrolment_id}")]
    turn.state["revoke_reason"] = reason
    return [ConfirmRevoke(turn.lang, enrolment_id=enrolment_id, reason=reason)]


@KEEP.handles
def keep_certificate(turn: Turn) -> list[Screen]:
    turn.state.pop("revoke_enrolment", None)
    turn.state.pop("revoke_reason", None)
    return [Cancelled(turn.lang, replace=True)]


@CONFIRM_REVOKE.handles
def revoke(turn: Turn, enrolment_id: int) -> list[Screen]:
    from bot.credentials.models import Credential

    reason = turn.state.pop("revoke_reason", None)
    asked = turn.state.pop("revoke_enrolment", None)
    mine = _my_enrolment(turn, enrolment_id)
    if mine is None:
        return _stale(turn)
    credential = turn.session.scalar(select(Credential).where(Credential.enrolment_id == enrolment_id)) \
        if mine and reason and asked == enrolment_id else None
    if credential is None or turn.issuer is None or credential.revoked_at is not None:
        return [Changed(turn.lang, what="refused", code=f"E{enrolment_id}", replace=True)]
    uuid, person, notice = admin.revoke(turn.session, turn.issuer, credential.uuid, reason, by=_actor(turn),
                                        now=turn.now)
    if person is not None and notice is not None:
        turn.notify(person, notice)
    return [admin.Report(turn.lang, lines=[(f"E{enrolment_id} · urn:uuid:{uuid}", "revoked", "")], replace=True)]

