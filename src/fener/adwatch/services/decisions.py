"""Reviewers' decisions on ads, and the referrals they send to other institutions."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from fener.adwatch.models import (
    DECISION_LABEL,
    DECISION_STATUS,
    Ad,
    Decision,
    DecisionAction,
    Notification,
    Referral,
    ReferralStatus,
)
from fener.core.access import require
from fener.core.audit import audit_record, audit_snapshot
from fener.core.models import Institution, User

REFERRAL_ACTIONS = {
    DecisionAction.REFER_POLICE: "police",
    DecisionAction.REFER_LABOUR: "labour_inspectorate",
}
MAX_REASON_CHARACTERS = 2000


@transaction.atomic
def ad_decide(
    *,
    actor: User,
    ad: Ad,
    action: str,
    reason: str,
    to_institution: Institution | None = None,
) -> Decision:
    """Record a decision on ``ad``; a referral also reaches ``to_institution``'s users.

    Every decision is audited and, except "keep watching", becomes a training label.
    """
    require(actor, "decide", ad)
    if action not in DecisionAction.values:
        raise ValidationError({"action": _("Choose one of the decisions offered.")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    if len(reason) > MAX_REASON_CHARACTERS:
        raise ValidationError({"reason": _("The reason is too long (at most 2,000 characters).")})
    decision_action = DecisionAction(action)
    expected_type = REFERRAL_ACTIONS.get(decision_action)
    if expected_type is not None:
        if to_institution is None or not to_institution.is_active:
            raise ValidationError({"to_institution": _("Choose the institution to refer to.")})
        if to_institution.type != expected_type:
            raise ValidationError(
                {"to_institution": _("This institution cannot receive this kind of referral.")}
            )
    elif to_institution is not None:
        raise ValidationError({"to_institution": _("Only referrals go to an institution.")})
    before = audit_snapshot(ad)
    label = DECISION_LABEL[decision_action] or ""
    decision = Decision.objects.create(
        ad=ad,
        action=action,
        reason=reason,
        actor=actor,
        institution=actor.institution,
        training_label=label,
    )
    ad.status = DECISION_STATUS[decision_action]
    ad.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="adwatch.decide",
        target=ad,
        before=before,
        after={**audit_snapshot(ad), "decision": action, "reason": reason},
    )
    if expected_type is not None and to_institution is not None:
        referral = Referral.objects.create(
            decision=decision,
            ad=ad,
            from_institution=actor.institution,
            to_institution=to_institution,
        )
        audit_record(
            actor=actor,
            action="adwatch.refer",
            target=referral,
            after={"ad": ad.pk, "to_institution": to_institution.pk},
        )
        for user in to_institution.users.filter(is_active=True):
            if "adwatch.view_referrals" in user.permission_codes():
                with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
                    message = _("An ad was referred to your institution by %(institution)s.") % {
                        "institution": actor.institution.name
                    }
                Notification.objects.create(user=user, ad=ad, message=message)
    return decision


@transaction.atomic
def referral_respond(*, actor: User, referral: Referral, status: str, response: str) -> Referral:
    """The receiving institution acknowledges or closes a referral, with its answer."""
    require(actor, "respond", referral)
    if status not in {ReferralStatus.ACKNOWLEDGED, ReferralStatus.CLOSED}:
        raise ValidationError({"status": _("Choose acknowledged or closed.")})
    if referral.status == ReferralStatus.CLOSED:
        raise ValidationError({"status": _("This referral is already closed.")})
    response = response.strip()
    if len(response) > MAX_REASON_CHARACTERS:
        raise ValidationError({"response": _("The answer is too long (at most 2,000 characters).")})
    before = audit_snapshot(referral)
    referral.status = status
    referral.response = response
    referral.save(update_fields=["status", "response", "updated_at"])
    audit_record(
        actor=actor,
        action="adwatch.referral_respond",
        target=referral,
        before=before,
        after=audit_snapshot(referral),
    )
    return referral
