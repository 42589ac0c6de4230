"""Background work of case management (run by ``fener worker``)."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fener.cases.models import CaseReferral, FollowUp
from fener.cases.services.support import case_managers, scheduled_task, task_in_language
from fener.cases.vocabulary import CaseStatus, ReferralStatus
from fener.core.access import allowed, has_permission, is_active_user
from fener.core.models import User

logger = logging.getLogger(__name__)

# --- Reminders of follow-ups and referral deadlines ------------------------------------------
#
# A follow-up is reminded when it is due within FOLLOW_UP_NOTICE_DAYS or overdue; a pending
# referral when its answer is due within REFERRAL_NOTICE_DAYS or late. Each is reminded once
# (``reminded_at``). A reminder names the case by its code, says what is to be done and by
# when, and nothing else: e-mail leaves the platform, so it never carries identity data.

FOLLOW_UP_NOTICE_DAYS = 3
REFERRAL_NOTICE_DAYS = 1

ReminderKind = Literal["follow_up", "referral"]


@dataclass(frozen=True)
class Reminder:
    """One follow-up or referral to remind, and who is to hear of it."""

    kind: ReminderKind
    pk: int
    case_code: str
    due_on: datetime.date
    recipients: tuple[User, ...]
    # A follow-up's task as stored, and its place in the schedule (to translate it).
    task: str = ""
    months_after_start: int | None = None


def _follow_up_recipients(follow_up: FollowUp) -> tuple[User, ...]:
    """The assigned user while they still work on the case, else the case managers."""
    assigned = follow_up.assigned_to
    if assigned is not None and allowed(assigned, "change", follow_up.case):
        return (assigned,)
    managers = [user for user in case_managers(follow_up.case) if is_active_user(user)]
    if managers:
        return tuple(managers)
    owner = follow_up.case.case_owner
    return (owner,) if owner is not None and allowed(owner, "change", follow_up.case) else ()


def _referral_recipients(referral: CaseReferral) -> tuple[User, ...]:
    """Who may answer it at the receiving institution, and the referral's author."""
    receivers = [
        user
        for user in User.objects.filter(institution_id=referral.to_institution_id, is_active=True)
        if has_permission(user, "cases.receive_referrals")
    ]
    author = referral.created_by
    if author is not None and is_active_user(author) and author not in receivers:
        receivers.append(author)
    return tuple(receivers)


def reminders_due(today: datetime.date) -> list[Reminder]:
    """Follow-ups and pending referrals to remind on ``today`` that were not reminded yet."""
    open_statuses = [CaseStatus.ACTIVE, CaseStatus.FOLLOW_UP]
    reminders: list[Reminder] = []
    follow_ups = FollowUp.objects.filter(
        done_on__isnull=True,
        reminded_at__isnull=True,
        due_on__lte=today + datetime.timedelta(days=FOLLOW_UP_NOTICE_DAYS),
        case__status__in=open_statuses,
    ).select_related("case", "case__case_owner", "assigned_to")
    for follow_up in follow_ups.order_by("due_on", "id"):
        reminders.append(
            Reminder(
                kind="follow_up",
                pk=follow_up.pk,
                case_code=follow_up.case.code,
                due_on=follow_up.due_on,
                recipients=_follow_up_recipients(follow_up),
                task=follow_up.task,
                months_after_start=follow_up.months_after_start,
            )
        )
    referrals = CaseReferral.objects.filter(
        status=ReferralStatus.PENDING,
        reminded_at__isnull=True,
        respond_by__lte=today + datetime.timedelta(days=REFERRAL_NOTICE_DAYS),
    ).select_related("case", "created_by")
    for referral in referrals.order_by("respond_by", "id"):
        reminders.append(
            Reminder(
                kind="referral",
                pk=referral.pk,
                case_code=referral.case.code,
                due_on=referral.respond_by,
                recipients=_referral_recipients(referral),
            )
        )
    return reminders


def _claim(reminder: Reminder, now: datetime.datetime) -> bool:
    """Mark the reminder as sent, unless another run got there first."""
    model = FollowUp if reminder.kind == "follow_up" else CaseReferral
    return bool(
        model.objects.filter(pk=reminder.pk, reminded_at__isnull=True).update(reminded_at=now)
    )


def _line(reminder: Reminder, today: datetime.date) -> str:
    """One reminder in the reader's language (the caller has switched to it)."""
    base = settings.FENER_BASE_URL.rstrip("/")
    values = {"code": reminder.case_code, "date": reminder.due_on.isoformat()}
    if reminder.kind == "follow_up":
        link = base + reverse("cases:support_plan", kwargs={"code": reminder.case_code})
        if reminder.due_on < today:
            text = _("Case %(code)s: a follow-up was due on %(date)s: %(task)s")
        else:
            text = _("Case %(code)s: a follow-up is due on %(date)s: %(task)s")
        # Only the generic scheduled tasks travel by e-mail; a task someone wrote may name a
        # person, and mail leaves the platform.
        if reminder.months_after_start is not None and reminder.task == scheduled_task(
            reminder.months_after_start
        ):
            task_text = task_in_language(reminder.task, reminder.months_after_start)
        else:
            task_text = _("open the case to read the task")
        return f"- {text % {**values, 'task': task_text}}\n  {link}"
    if reminder.due_on < today:
        text = _("Case %(code)s: a referral was to be answered by %(date)s.")
    else:
        text = _("Case %(code)s: a referral is to be answered by %(date)s.")
    link = base + reverse("cases:referral_detail", kwargs={"pk": reminder.pk})
    return f"- {text % values}\n  {link}"


def reminders_send(today: datetime.date) -> dict[str, int]:
    """E-mail each recipient one message listing their reminders; mark each reminded."""
    now = timezone.now()
    by_user: dict[int, tuple[User, list[Reminder]]] = {}
    counts: defaultdict[str, int] = defaultdict(int)
    for reminder in reminders_due(today):
        if not _claim(reminder, now):
            continue
        counts[f"{reminder.kind}s"] += 1
        for user in reminder.recipients:
            by_user.setdefault(user.pk, (user, []))[1].append(reminder)
    for user, reminders in by_user.values():
        if not user.email:
            continue
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = _("Fener: follow-ups and referrals that need you")
            lines = [_line(reminder, today) for reminder in reminders]
            body = "\n".join(
                [
                    _("These need your attention:"),
                    "",
                    *lines,
                    "",
                    _("This is an automatic reminder."),
                ]
            )
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except OSError:
            logger.exception("Reminder e-mail to user %s failed", user.pk)
            counts["failed"] += 1
        else:
            counts["emails"] += 1
    return {key: counts[key] for key in ("follow_ups", "referrals", "emails", "failed")}


@task()
def case_reminders_send() -> dict[str, int]:
    """Send today's reminders of follow-ups and referral deadlines (once each)."""
    return reminders_send(timezone.localdate())


# --- Other background work of case management ------------------------------------------------


@task()
def retention_apply_task() -> list[str]:
    """Anonymise the closed cases whose retention period has ended (audited, one per case)."""
    from fener.cases.services.retention import retention_apply

    return retention_apply().anonymised
