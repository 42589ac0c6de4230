"""Identification, consent, child safeguards, referrals and long-term support of a case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fener.cases.fields import EncryptedJSONField, EncryptedTextField
from fener.cases.models.case import Case
from fener.cases.vocabulary import (
    ConsentScope,
    ReferralReason,
    ReferralStatus,
    SupportDomain,
)
from fener.core.models import Institution, Municipality

USER = settings.AUTH_USER_MODEL


class Screening(models.Model):
    """An identification interview recorded against the ILO and ILO–EC indicators.

    ``result`` keeps what the engine advised at the time (it never decides the status).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    indicator_set = models.CharField(max_length=20)
    interviewed_on = models.DateField()
    interviewer = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    interpreter_used = models.BooleanField(default=False)
    answers = models.JSONField(default=dict)
    forced_labour_answers = models.JSONField(default=dict)
    recommendation = models.CharField(max_length=30)
    result = models.JSONField(default=dict)
    notes = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("indicator_set", "interviewed_on", "answers", "recommendation")

    class Meta:
        ordering = ["-interviewed_on", "-id"]

    def __str__(self) -> str:
        return f"screening #{self.pk} of {self.case}"


class Consent(models.Model):
    """What the person (or, for a child, the guardian) agreed to, and when; withdrawable."""

    class Method(models.TextChoices):
        WRITTEN = "written", _("Written, signed")
        ORAL = "oral", _("Oral, witnessed")
        GUARDIAN = "guardian", _("Given by the child's guardian")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(max_length=20, choices=ConsentScope.choices)
    method = models.CharField(max_length=10, choices=Method.choices)
    given_on = models.DateField()
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("scope", "method", "given_on", "withdrawn_on")

    class Meta:
        ordering = ["scope", "-given_on"]

    def __str__(self) -> str:
        return f"consent {self.scope} for {self.case}"


class GuardianAppointment(models.Model):
    """The guardian appointed for a child (by the centre for social work)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="guardians")
    guardian = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    guardian_name = EncryptedTextField(blank=True)
    appointing_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+"
    )
    appointed_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    AUDIT_FIELDS = ("guardian_id", "appointing_institution_id", "appointed_on", "ended_on")

    class Meta:
        ordering = ["-appointed_on"]

    def __str__(self) -> str:
        return f"guardian of {self.case}"


class BestInterestsAssessment(models.Model):
    """A best-interests-of-the-child assessment, required before the key decisions on a child."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="best_interests")
    assessed_on = models.DateField()
    assessor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    child_heard = models.BooleanField(default=False)
    conclusion = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("assessed_on", "child_heard")

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"best-interests assessment of {self.case}"


class ProtectionMeasure(models.Model):
    """A domestic-violence protection measure linked to the case (Istanbul Convention, art. 52–53)."""

    class Kind(models.TextChoices):
        EMERGENCY_BARRING = "emergency_barring", _("Emergency barring order")
        PROTECTION_ORDER = "protection_order", _("Protection order")
        RESTRAINING_ORDER = "restraining_order", _("Restraining order")
        SAFE_HOUSE = "safe_house", _("Placement in a safe house for women")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="protection_measures")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    issued_by = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    reference = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    AUDIT_FIELDS = ("kind", "issued_by_id", "issued_on", "expires_on")

    class Meta:
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.case}"


class CaseReferral(models.Model):
    """A referral of the case to another institution, in the country or abroad.

    ``shared_sections`` says exactly what was shared; ``payload`` is the encrypted copy of
    those sections as they were when the referral was made, the only thing the receiving
    institution sees. Without recorded consent a referral needs a lawful override (who, why,
    on which legal basis).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    to_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="incoming_case_referrals"
    )
    cross_border = models.BooleanField(default=False)
    reason = models.CharField(max_length=30, choices=ReferralReason.choices)
    purpose = EncryptedTextField()
    shared_sections = models.JSONField(default=list)
    payload = EncryptedJSONField(null=True)
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_legal_basis = EncryptedTextField(blank=True)  # typed: kept encrypted
    override_reason = EncryptedTextField(blank=True)
    status = models.CharField(
        max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    respond_by = models.DateField()
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = EncryptedTextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = EncryptedTextField(blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    AUDIT_FIELDS = (
        "to_institution_id",
        "cross_border",
        "reason",
        "shared_sections",
        "consent_id",
        "override_by_id",
        "status",
        "respond_by",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["to_institution", "status"])]

    def __str__(self) -> str:
        return f"referral #{self.pk} of {self.case}"


class ServiceProvider(models.Model):
    """An entry in the catalogue of services (shelters, legal aid, health, training...)."""

    name = models.CharField(max_length=200)
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    domains = models.JSONField(default=list)
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(blank=True)
    women_only = models.BooleanField(default=False)
    female_staff_available = models.BooleanField(default=False)
    child_friendly = models.BooleanField(default=False)
    languages = models.JSONField(default=list, blank=True)
    contact = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    AUDIT_FIELDS = (
        "name",
        "domains",
        "women_only",
        "female_staff_available",
        "child_friendly",
        "is_active",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def gender_sensitive(self) -> bool:
        return self.women_only or self.female_staff_available


class SupportPlan(models.Model):
    """The long-term support plan of a case (HTCDS support plan); one per case."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="support_plan")
    objectives = EncryptedTextField(blank=True)
    planned_end = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_FIELDS = ("planned_end", "actual_end")

    def __str__(self) -> str:
        return f"support plan of {self.case}"


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class SupportGoal(models.Model):
    """A goal of the plan in one domain (safety, housing, employment...)."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(max_length=20, choices=SupportDomain.choices)
    description = EncryptedTextField()
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("domain", "target_date", "status")

    class Meta:
        ordering = ["domain", "id"]

    def __str__(self) -> str:
        return f"{self.domain} goal of {self.plan.case}"


class ServiceDelivery(models.Model):
    """A service from the catalogue given towards a goal."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        STOPPED = "stopped", _("Stopped")

    goal = models.ForeignKey(SupportGoal, on_delete=models.CASCADE, related_name="services")
    provider = models.ForeignKey(
        ServiceProvider, on_delete=models.PROTECT, related_name="deliveries"
    )
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)

    AUDIT_FIELDS = ("provider_id", "started_on", "ended_on", "status")

    def __str__(self) -> str:
        return f"{self.provider} for {self.goal}"


class FollowUp(models.Model):
    """A scheduled follow-up contact (1, 3, 6, 12, 24 months after the plan starts)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField()
    months_after_start = models.PositiveSmallIntegerField(null=True, blank=True)
    task = EncryptedTextField()  # free text: may name people (scheduled ones are generic)
    assigned_to = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = EncryptedTextField(blank=True)
    # Outcome indicators recorded at the follow-up (JSON: indicator code → value)
    outcomes = models.JSONField(default=dict, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    AUDIT_FIELDS = ("due_on", "months_after_start", "assigned_to_id", "done_on", "outcomes")

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"follow-up of {self.case} due {self.due_on}"


class RiskAssessment(models.Model):
    """A re-trafficking risk assessment; repeated over time to show the trend."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    assessed_on = models.DateField()
    assessor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    factors = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=10)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("assessed_on", "factors", "score", "level")

    class Meta:
        ordering = ["assessed_on", "id"]

    def __str__(self) -> str:
        return f"risk {self.level} for {self.case} on {self.assessed_on}"


__all__ = [
    "BestInterestsAssessment",
    "CaseReferral",
    "Consent",
    "FollowUp",
    "GoalStatus",
    "GuardianAppointment",
    "ProtectionMeasure",
    "RiskAssessment",
    "Screening",
    "ServiceDelivery",
    "ServiceProvider",
    "SupportGoal",
    "SupportPlan",
]
