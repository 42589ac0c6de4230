"""Opening, editing, closing and reopening an investigation; its team across institutions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fener.core.access import has_permission, is_active_user, require
from fener.core.audit import audit_changes, audit_record, audit_snapshot
from fener.core.models import User
from fener.network.models import (
    Investigation,
    InvestigationMember,
    InvestigationStatus,
    MemberRole,
)
from fener.network.policies import WORK

MAX_NAME = 120
MAX_SUMMARY = 5_000


def _clean_name(name: str) -> str:
    name = " ".join(str(name).split())
    if not name:
        raise ValidationError({"name": _("Give the investigation a name.")})
    if len(name) > MAX_NAME:
        raise ValidationError(
            {"name": _("A name has at most %(limit)s characters.") % {"limit": MAX_NAME}}
        )
    return name


def _clean_summary(summary: str) -> str:
    summary = str(summary).strip()
    if len(summary) > MAX_SUMMARY:
        raise ValidationError(
            {"summary": _("A summary has at most %(limit)s characters.") % {"limit": MAX_SUMMARY}}
        )
    return summary


@transaction.atomic
def investigation_open(*, actor: User, name: str, summary: str = "") -> Investigation:
    """Open an investigation led by the actor's institution, with the actor as lead."""
    require(actor, "add", Investigation)
    investigation = Investigation.objects.create(
        name=_clean_name(name),
        summary=_clean_summary(summary),
        lead_institution_id=actor.institution_id,
        created_by=actor,
    )
    InvestigationMember.objects.create(
        investigation=investigation, user=actor, role=MemberRole.LEAD, added_by=actor
    )
    audit_record(
        actor=actor,
        action="network.investigation.open",
        target=investigation,
        after=audit_snapshot(investigation),
    )
    return investigation


@transaction.atomic
def investigation_edit(
    *, actor: User, investigation: Investigation, name: str, summary: str
) -> Investigation:
    """Rename the investigation or change its summary (the summary's text is not audited)."""
    require(actor, "manage_team", investigation)
    require(actor, "change", investigation)
    investigation = Investigation.objects.select_for_update().get(pk=investigation.pk)
    before = audit_snapshot(investigation)
    summary_changed = investigation.summary != _clean_summary(summary)
    investigation.name = _clean_name(name)
    investigation.summary = _clean_summary(summary)
    investigation.save(update_fields=["name", "summary"])
    changed_before, changed_after = audit_changes(before, audit_snapshot(investigation))
    if summary_changed:
        changed_after["summary"] = "changed"
    audit_record(
        actor=actor,
        action="network.investigation.edit",
        target=investigation,
        before=changed_before,
        after=changed_after,
    )
    return investigation


@transaction.atomic
def investigation_close(*, actor: User, investigation: Investigation) -> Investigation:
    """Close: the team keeps reading and exporting, nobody adds anything."""
    require(actor, "close", investigation)
    updated = Investigation.objects.filter(
        pk=investigation.pk, status=InvestigationStatus.OPEN
    ).update(status=InvestigationStatus.CLOSED, closed_at=timezone.now())
    if not updated:
        raise ValidationError(_("The investigation is already closed."))
    investigation.refresh_from_db()
    audit_record(
        actor=actor,
        action="network.investigation.close",
        target=investigation,
        before={"status": InvestigationStatus.OPEN},
        after={"status": InvestigationStatus.CLOSED},
    )
    return investigation


@transaction.atomic
def investigation_reopen(*, actor: User, investigation: Investigation) -> Investigation:
    require(actor, "reopen", investigation)
    updated = Investigation.objects.filter(
        pk=investigation.pk, status=InvestigationStatus.CLOSED
    ).update(status=InvestigationStatus.OPEN, closed_at=None)
    if not updated:
        raise ValidationError(_("The investigation is already open."))
    investigation.refresh_from_db()
    audit_record(
        actor=actor,
        action="network.investigation.reopen",
        target=investigation,
        before={"status": InvestigationStatus.CLOSED},
        after={"status": InvestigationStatus.OPEN},
    )
    return investigation


@transaction.atomic
def member_add(
    *, actor: User, investigation: Investigation, user: User, role: str
) -> InvestigationMember:
    """Add a colleague from any institution: they must be active and able to work on
    investigations. Adding someone already on the team changes their role."""
    require(actor, "manage_team", investigation)
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Choose a role on the team.")})
    if not is_active_user(user) or not has_permission(user, WORK):
        raise ValidationError(
            {
                "user": _(
                    "No active account with the right to work on investigations has this user name."
                )
            }
        )
    current = (
        InvestigationMember.objects.select_for_update()
        .filter(investigation=investigation, user=user, removed_at__isnull=True)
        .first()
    )
    if current is not None:
        if current.role == role:
            return current
        if current.role == MemberRole.LEAD and _other_leads(investigation, user) == 0:
            raise ValidationError({"role": _("An investigation needs at least one lead.")})
        before = {"user": user.username, "role": current.role}
        current.role = role
        current.save(update_fields=["role"])
        audit_record(
            actor=actor,
            action="network.member.role",
            target=investigation,
            before=before,
            after={"user": user.username, "role": role},
        )
        return current
    try:
        with transaction.atomic():
            member = InvestigationMember.objects.create(
                investigation=investigation, user=user, role=role, added_by=actor
            )
    except IntegrityError:
        raise ValidationError({"user": _("This person was added at the same moment.")}) from None
    audit_record(
        actor=actor,
        action="network.member.add",
        target=investigation,
        after={"user": user.username, "institution": user.institution_id, "role": role},
    )
    return member


def _other_leads(investigation: Investigation, user: User) -> int:
    return (
        InvestigationMember.objects.filter(
            investigation=investigation, role=MemberRole.LEAD, removed_at__isnull=True
        )
        .exclude(user=user)
        .count()
    )


@transaction.atomic
def member_remove(*, actor: User, member: InvestigationMember) -> None:
    """Take someone off the team (the row stays, with the time). The last lead stays."""
    investigation = member.investigation
    require(actor, "manage_team", investigation)
    Investigation.objects.select_for_update().get(pk=investigation.pk)
    member = InvestigationMember.objects.get(pk=member.pk)
    if member.removed_at is not None:
        return
    if member.role == MemberRole.LEAD and _other_leads(investigation, member.user) == 0:
        raise ValidationError(_("An investigation needs at least one lead: add another first."))
    member.removed_at = timezone.now()
    member.save(update_fields=["removed_at"])
    audit_record(
        actor=actor,
        action="network.member.remove",
        target=investigation,
        before={"user": member.user.username, "role": member.role},
    )
