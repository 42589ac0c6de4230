"""Opening, editing, deciding on, closing and reopening a case; its team and its notes."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fener.cases.models import (
    Case,
    CaseNote,
    DecidingBody,
    ExploitationForm,
    FormStatus,
    Perpetrator,
    Screening,
    StatusDecision,
    TeamMembership,
)
from fener.cases.services.errors import CaseInputError, ConsentRequired, WrongState
from fener.cases.services.safeguards import require_child_safeguards
from fener.cases.services.state import lock_writable, require_writable
from fener.cases.services.validation import (
    code_list,
    countries,
    country,
    not_in_future,
    required_text,
)
from fener.cases.services.versioning import save_versioned
from fener.cases.vocabulary import (
    CaseStatus,
    ClosureReason,
    ConsentScope,
    ControlMethod,
    Industry,
    PerpetratorRole,
    RecruitmentMethod,
    RecruitmentPlatform,
    Relationship,
    Sex,
    SexExploitationType,
    TeamRole,
    TraffickingStatus,
)
from fener.core.access import has_permission, require
from fener.core.audit import audit_changes, audit_record, audit_snapshot
from fener.core.models import InstitutionType, Municipality, User

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread

# Status changes the referral mechanism allows; "identified" and "not a victim" are formal
# decisions (cases.decide_status), the others are a first-line assessment.
TRANSITIONS: dict[str, set[str]] = {
    TraffickingStatus.POSSIBLE: {TraffickingStatus.PRESUMED, TraffickingStatus.NOT_A_VICTIM},
    TraffickingStatus.PRESUMED: {TraffickingStatus.IDENTIFIED, TraffickingStatus.NOT_A_VICTIM},
    TraffickingStatus.NOT_A_VICTIM: {TraffickingStatus.POSSIBLE},
    TraffickingStatus.IDENTIFIED: set(),
}
FORMAL: set[str] = {TraffickingStatus.IDENTIFIED, TraffickingStatus.NOT_A_VICTIM}

_BODY_BY_TYPE: dict[str, str] = {
    InstitutionType.POLICE: DecidingBody.POLICE,
    InstitutionType.NGO: DecidingBody.NGO,
    InstitutionType.PROSECUTION: DecidingBody.COURT_OR_PROSECUTION,
    InstitutionType.COURT: DecidingBody.COURT_OR_PROSECUTION,
    InstitutionType.INTERNATIONAL_ORG: DecidingBody.OTHER,
}


def _new_code(year: int) -> str:
    suffix = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
    return f"FN-{year}-{suffix}"


def _profile_values(changes: dict[str, Any], today: datetime.date) -> dict[str, Any]:
    """Validated profile fields (plain model fields) from ``changes``."""
    checks: dict[str, Any] = {
        "sex": lambda v: code_list("sex", [v], Sex)[0],
        "age_at_registration": lambda v: _age("age_at_registration", v),
        "age_when_trafficked": lambda v: _age("age_when_trafficked", v),
        "citizenship": lambda v: countries("citizenship", v),
        "primary_language": lambda v: str(v or "").strip().lower()[:3],
        "recruitment_methods": lambda v: code_list("recruitment_methods", v, RecruitmentMethod),
        "recruitment_platforms": lambda v: code_list(
            "recruitment_platforms", v, RecruitmentPlatform
        ),
        "recruitment_country": lambda v: country("recruitment_country", v),
        "control_methods": lambda v: code_list("control_methods", v, ControlMethod),
        "forced_labour_industry": lambda v: (
            code_list("forced_labour_industry", [v], Industry)[0] if v else ""
        ),
        "sex_exploitation_types": lambda v: code_list(
            "sex_exploitation_types", v, SexExploitationType
        ),
        "exploitation_country": lambda v: country("exploitation_country", v),
        "relationship_to_trafficker": lambda v: (
            code_list("relationship_to_trafficker", [v], Relationship)[0] if v else ""
        ),
        "municipality": lambda v: (
            v if v is None or isinstance(v, Municipality) else _bad("municipality")
        ),
        "exploitation_municipality": lambda v: (
            v if v is None or isinstance(v, Municipality) else _bad("exploitation_municipality")
        ),
        "is_child": bool,
    }
    unknown = set(changes) - set(checks) - {"exploitation_forms"}
    if unknown:
        raise CaseInputError(
            {
                "__all__": _("These fields cannot be changed here: %(f)s.")
                % {"f": ", ".join(sorted(unknown))}
            }
        )
    values = {name: checks[name](value) for name, value in changes.items() if name in checks}
    if (
        "age_at_registration" in values
        and values["age_at_registration"] is not None
        and "is_child" not in changes
    ):
        values["is_child"] = values["age_at_registration"] < 18
    return values


def _age(field: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        age = int(value)
    except (TypeError, ValueError):
        raise CaseInputError({field: _("Give the age in whole years.")}) from None
    if not 0 <= age <= 120:
        raise CaseInputError({field: _("Give an age between 0 and 120.")})
    return age


def _bad(field: str) -> None:
    raise CaseInputError({field: _("Choose a municipality from the list.")})


def _forms(codes: list[str]) -> list[ExploitationForm]:
    forms = list(
        ExploitationForm.objects.filter(
            code__in=codes, status__in=[FormStatus.PROMOTED, FormStatus.PROPOSED]
        )
    )
    missing = set(codes) - {form.code for form in forms}
    if missing:
        raise CaseInputError(
            {
                "exploitation_forms": _("Unknown form(s) of exploitation: %(f)s.")
                % {"f": ", ".join(sorted(missing))}
            }
        )
    return forms


def case_open(
    *,
    actor: User,
    registered_on: datetime.date | None = None,
    profile: dict[str, Any] | None = None,
) -> Case:
    """Open a case owned by the actor's institution, with the actor as its case manager."""
    require(actor, "add", Case)
    today = timezone.localdate()
    registered_on = registered_on or today
    not_in_future("registered_on", registered_on, today)
    values = _profile_values(dict(profile or {}), today)
    form_codes = list((profile or {}).get("exploitation_forms", []))
    forms = _forms(form_codes) if form_codes else []
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    code=_new_code(registered_on.year),
                    owner_institution=actor.institution,
                    case_owner=actor,
                    registered_on=registered_on,
                    updated_by=actor,
                    **values,
                )
                if forms:
                    case.exploitation_forms.set(forms)
                TeamMembership.objects.create(
                    case=case, user=actor, role=TeamRole.CASE_MANAGER, added_by=actor
                )
                audit_record(
                    actor=actor,
                    action="cases.open",
                    target=case,
                    after={**audit_snapshot(case), "exploitation_forms": sorted(form_codes)},
                )
                return case
        except IntegrityError:
            continue  # the random code was taken: draw another
    raise RuntimeError("Could not draw a free case code")


def case_update_profile(
    *, actor: User, case: Case, expected_version: int, changes: dict[str, Any]
) -> Case:
    """Change the pseudonymous profile; refused if someone saved since ``expected_version``."""
    require(actor, "change", case)
    if case.anonymised_at is not None:
        raise WrongState(_("This case has been anonymised and can no longer be changed."))
    values = _profile_values(dict(changes), timezone.localdate())
    form_codes = changes.get("exploitation_forms")
    if case.closed_on is not None and values.get("is_child", case.is_child) != case.is_child:
        # A closed case found to be a child's keeps its data for a child's retention period.
        case.is_child = values["is_child"]
        values["retention_until"] = retention_until(case, case.closed_on)
    with transaction.atomic():
        before = {
            **audit_snapshot(case),
            "exploitation_forms": sorted(case.exploitation_forms.values_list("code", flat=True)),
        }
        save_versioned(
            case, expected_version=expected_version, fields={**values, "updated_by": actor}
        )
        if form_codes is not None:
            case.exploitation_forms.set(_forms(list(form_codes)))
        after = {
            **audit_snapshot(case),
            "exploitation_forms": sorted(case.exploitation_forms.values_list("code", flat=True)),
        }
        old, new = audit_changes(before, after)
        audit_record(actor=actor, action="cases.update", target=case, before=old, after=new)
    return case


def deciding_body_for(institution_type: str) -> str:
    return _BODY_BY_TYPE.get(institution_type, DecidingBody.GOVERNMENT)


def status_decide(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    to_status: str,
    decided_on: datetime.date,
    reasons: str,
    screening: Screening | None = None,
) -> StatusDecision:
    """Move the case along possible → presumed → identified / not a victim, with reasons.

    Formal decisions need ``cases.decide_status``; the deciding institution is the actor's.
    A foreign national's reflection and recovery period starts when they are presumed a victim.
    """
    formal = to_status in FORMAL
    require(actor, "decide_status" if formal else "change", case)
    require_writable(case)
    if to_status not in TRANSITIONS.get(case.trafficking_status, set()):
        raise WrongState(
            _("The status cannot change from “%(old)s” to “%(new)s”.")
            % {
                "old": TraffickingStatus(case.trafficking_status).label,
                "new": TraffickingStatus(to_status).label
                if to_status in TraffickingStatus.values
                else to_status,
            }
        )
    not_in_future("decided_on", decided_on, timezone.localdate())
    text = required_text("reasons", reasons)
    if screening is not None and screening.case_id != case.pk:
        raise CaseInputError({"screening": _("That screening belongs to another case.")})
    if formal:
        require_child_safeguards(case, _("Formal identification decision"))
    fields: dict[str, Any] = {"trafficking_status": to_status, "updated_by": actor}
    if (
        to_status == TraffickingStatus.PRESUMED
        and case.is_foreign_national
        and case.reflection_period_start is None
    ):
        fields["reflection_period_start"] = decided_on
        fields["reflection_period_end"] = decided_on + datetime.timedelta(
            days=settings.FENER_REFLECTION_PERIOD_DAYS
        )
    with transaction.atomic():
        before = audit_snapshot(case)
        previous = case.trafficking_status
        save_versioned(case, expected_version=expected_version, fields=fields)
        decision = StatusDecision.objects.create(
            case=case,
            from_status=previous,
            to_status=to_status,
            deciding_institution=actor.institution,
            deciding_body=deciding_body_for(actor.institution.type),
            decided_on=decided_on,
            reasons=text,
            screening=screening,
            recorded_by=actor,
        )
        old, new = audit_changes(before, audit_snapshot(case))
        audit_record(actor=actor, action="cases.status_decide", target=case, before=old, after=new)
    return decision


def retention_until(case: Case, closed_on: datetime.date) -> datetime.date:
    """When the identity data of a case closed on ``closed_on`` are to be erased."""
    schedule: dict[str, int] = settings.FENER_CASE_RETENTION_YEARS
    years = schedule.get("default", 5)
    if case.closure_reason in schedule:
        years = schedule[case.closure_reason]
    if case.is_child and "child" in schedule:
        years = max(years, schedule["child"])
    until: datetime.date = closed_on + relativedelta(years=years)
    return until


def case_close(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    reason: str,
    note: str = "",
    closed_on: datetime.date | None = None,
) -> Case:
    """Close the case with a reason; open follow-ups stay on record, retention starts."""
    require(actor, "close", case)
    if not case.is_open:
        raise WrongState(_("This case is already closed."))
    if reason not in ClosureReason.values:
        raise CaseInputError({"reason": _("Choose the reason for closing the case.")})
    today = timezone.localdate()
    closed_on = closed_on or today
    not_in_future("closed_on", closed_on, today)
    if closed_on < case.registered_on:
        raise CaseInputError({"closed_on": _("A case cannot close before it was registered.")})
    if reason == ClosureReason.OTHER and not note.strip():
        raise CaseInputError({"note": _("Say why the case is closed.")})
    require_child_safeguards(case, _("Closing the case"))
    case.closure_reason = reason
    status = CaseStatus.CLOSED_REFERRED if reason == ClosureReason.REFERRED else CaseStatus.CLOSED
    with transaction.atomic():
        before = audit_snapshot(case)
        save_versioned(
            case,
            expected_version=expected_version,
            fields={
                "status": status,
                "closure_reason": reason,
                "closure_note": note.strip()[:5000],
                "closed_on": closed_on,
                "retention_until": retention_until(case, closed_on),
                "updated_by": actor,
            },
        )
        old, new = audit_changes(before, audit_snapshot(case))
        audit_record(actor=actor, action="cases.close", target=case, before=old, after=new)
    return case


def case_reopen(*, actor: User, case: Case, expected_version: int, reason: str) -> Case:
    """Reopen a closed case (retention stops); not possible once it is anonymised."""
    require(actor, "reopen", case)
    if case.is_open:
        raise WrongState(_("This case is open."))
    if case.anonymised_at is not None:
        raise WrongState(_("This case has been anonymised: open a new case instead."))
    text = required_text("reason", reason)
    with transaction.atomic():
        before = audit_snapshot(case)
        save_versioned(
            case,
            expected_version=expected_version,
            fields={
                "status": CaseStatus.ACTIVE,
                "closed_on": None,
                "closure_reason": "",
                "retention_until": None,
                "updated_by": actor,
            },
        )
        # The reason is free text: kept encrypted as a note, not in the audit log.
        CaseNote.objects.create(
            case=case, author=actor, text=_("Case reopened: %(reason)s") % {"reason": text}
        )
        old, new = audit_changes(before, audit_snapshot(case))
        audit_record(actor=actor, action="cases.reopen", target=case, before=old, after=new)
    return case


def team_add(*, actor: User, case: Case, user: User, role: str) -> TeamMembership:
    """Add a colleague from any institution to the case's team."""
    require(actor, "manage_team", case)
    require_writable(case)
    if role not in TeamRole.values:
        raise CaseInputError({"role": _("Choose the member's role on the case.")})
    if not has_permission(user, "cases.work_on_cases"):
        raise CaseInputError(
            {
                "user": _("%(user)s cannot work on cases (their roles do not allow it).")
                % {"user": user.display_name}
            }
        )
    if case.team.filter(user=user, removed_at__isnull=True).exists():
        raise CaseInputError(
            {"user": _("%(user)s is already on the team.") % {"user": user.display_name}}
        )
    abroad = user.institution.country != "MK"
    if abroad:
        # A member abroad sees the whole case: the same rule as a referral across the border.
        from fener.cases.services.safeguards import active_consent, require_child_safeguards

        if active_consent(case, ConsentScope.SHARING_ABROAD, timezone.localdate()) is None:
            raise ConsentRequired(
                _(
                    "A member from an institution abroad sees the whole case: record the "
                    "person's consent to sharing abroad first (or refer only what is needed)."
                )
            )
        require_child_safeguards(case, _("Adding a member from abroad"))
    try:
        with transaction.atomic():
            member = TeamMembership.objects.create(case=case, user=user, role=role, added_by=actor)
            audit_record(
                actor=actor,
                action="cases.team_add_abroad" if abroad else "cases.team_add",
                target=case,
                after=audit_snapshot(member),
            )
    except IntegrityError:
        # Someone added the same person at the same moment (one active membership each).
        raise CaseInputError(
            {"user": _("%(user)s is already on the team.") % {"user": user.display_name}}
        ) from None
    return member


def team_remove(*, actor: User, member: TeamMembership) -> TeamMembership:
    """Remove a member: their access ends at once. The last case manager cannot be removed."""
    case = member.case
    require(actor, "manage_team", case)
    require_writable(case, closed_too=True)
    if member.removed_at is not None:
        raise WrongState(_("This member was already removed."))
    if (
        member.role == TeamRole.CASE_MANAGER
        and not case.team.filter(role=TeamRole.CASE_MANAGER, removed_at__isnull=True)
        .exclude(pk=member.pk)
        .exists()
    ):
        raise WrongState(_("Add another case manager before removing the last one."))
    with transaction.atomic():
        lock_writable(case, closed_too=True)  # serialises concurrent removals on this case
        before = audit_snapshot(member)
        now = timezone.now()
        if not TeamMembership.objects.filter(pk=member.pk, removed_at__isnull=True).update(
            removed_at=now
        ):
            raise WrongState(_("This member was already removed."))
        if not case.team.filter(role=TeamRole.CASE_MANAGER, removed_at__isnull=True).exists():
            # Two managers removed each other at the same moment: undo this one.
            raise WrongState(_("Add another case manager before removing the last one."))
        member.removed_at = now
        audit_record(
            actor=actor,
            action="cases.team_remove",
            target=case,
            before=before,
            after=audit_snapshot(member),
        )
    return member


def note_add(*, actor: User, case: Case, text: str) -> CaseNote:
    """Add a formal update to the case (stored encrypted)."""
    require(actor, "change", case)
    require_writable(case)
    body = required_text("text", text, limit=10000)
    with transaction.atomic():
        lock_writable(case)
        note = CaseNote.objects.create(case=case, author=actor, text=body)
        audit_record(actor=actor, action="cases.note_add", target=case, after={"note": note.pk})
    return note


def form_propose(
    *, actor: User, name_en: str, name_mk: str, name_sq: str, description: str
) -> ExploitationForm:
    """Propose a new form of exploitation; cases can be tagged with it while it is reviewed."""
    require(actor, "add", ExploitationForm)
    names = {
        "name_en": required_text("name_en", name_en, limit=200),
        "name_mk": required_text("name_mk", name_mk, limit=200),
        "name_sq": required_text("name_sq", name_sq, limit=200),
    }
    body = required_text("description", description)
    from django.utils.text import slugify

    base = slugify(names["name_en"])[:50] or "form"
    code = base
    counter = 2
    while ExploitationForm.objects.filter(code=code).exists():
        code = f"{base}-{counter}"
        counter += 1
    try:
        with transaction.atomic():
            form = ExploitationForm.objects.create(
                code=code,
                description=body,
                status=FormStatus.PROPOSED,
                proposed_by=actor,
                proposed_at=timezone.now(),
                **names,
            )
            audit_record(
                actor=actor, action="cases.form_propose", target=form, after=audit_snapshot(form)
            )
    except IntegrityError:
        raise CaseInputError(
            {"name_en": _("A form with this name was proposed at the same moment.")}
        ) from None
    return form


def form_review(
    *, actor: User, form: ExploitationForm, promote: bool, note: str, htcds_code: str = "Other"
) -> ExploitationForm:
    """The expert panel promotes a proposed form to the taxonomy or rejects it.

    Rejecting keeps the cases tagged with it (their history stays true) but no new case can use it.
    """
    require(actor, "review", form)
    if form.status != FormStatus.PROPOSED:
        raise WrongState(_("This form has already been reviewed."))
    text = required_text("note", note)
    with transaction.atomic():
        before = audit_snapshot(form)
        fields = {
            "status": FormStatus.PROMOTED if promote else FormStatus.REJECTED,
            "review_note": text,
            "htcds_code": (htcds_code or "Other")[:40],
            "reviewed_by": actor,
            "reviewed_at": timezone.now(),
        }
        # Conditional: of two reviews at the same moment, only the first counts.
        if not ExploitationForm.objects.filter(pk=form.pk, status=FormStatus.PROPOSED).update(
            **fields
        ):
            raise WrongState(_("This form has already been reviewed."))
        for name, value in fields.items():
            setattr(form, name, value)
        audit_record(
            actor=actor,
            action="cases.form_review",
            target=form,
            before=before,
            after=audit_snapshot(form),
        )
    return form


def perpetrator_add(
    *,
    actor: User,
    case: Case,
    roles: list[str],
    sex: str = Sex.UNKNOWN,
    citizenship: str = "",
    relationship: str = "",
    name: str = "",
    phones: list[str] | None = None,
    accounts: list[str] | None = None,
    details: str = "",
) -> Perpetrator:
    """Record a suspected perpetrator with their roles (HTCDS perpetrator context).

    Name, phones, accounts and details are identity data: they need ``change_identity`` and
    are stored encrypted; phones are kept in E.164 and accounts (IBANs) without spaces.
    """
    require(actor, "change_identity" if (name or phones or accounts or details) else "change", case)
    if not case.is_open:
        raise WrongState(_("A closed case cannot be changed; reopen it first."))
    chosen = code_list("roles", roles, PerpetratorRole)
    if not chosen:
        raise CaseInputError({"roles": _("Choose at least one role.")})
    values = {
        "sex": code_list("sex", [sex], Sex)[0],
        "citizenship": country("citizenship", citizenship),
        "relationship": code_list("relationship", [relationship], Relationship)[0]
        if relationship
        else "",
    }
    from fener.cases.services.identity import IdentityInput, identity_values

    cleaned = identity_values(IdentityInput(phones=list(phones or [])))
    iban_list = ["".join(str(a).split()).upper()[:40] for a in accounts or [] if str(a).strip()]
    with transaction.atomic():
        lock_writable(case)
        perpetrator = Perpetrator.objects.create(
            case=case,
            roles=chosen,
            name=name.strip()[:200],
            phones=cleaned["phones"],
            accounts=iban_list,
            details=details.strip()[:5000],
            **values,
        )
        audit_record(
            actor=actor,
            action="cases.perpetrator_add",
            target=case,
            after=audit_snapshot(perpetrator),
        )
    return perpetrator
