"""The victim case, its pseudonymous profile, the identity vault and the team."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fener.cases.fields import EncryptedBinaryField, EncryptedJSONField, EncryptedTextField
from fener.cases.vocabulary import (
    CaseStatus,
    ClosureReason,
    Industry,
    Relationship,
    Sex,
    TeamRole,
    TraffickingStatus,
    age_band,
)
from fener.core.models import Institution, Municipality


class FormStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, under expert review")
    PROMOTED = "promoted", _("Promoted to the taxonomy")
    REJECTED = "rejected", _("Rejected")


class ExploitationForm(models.Model):
    """A type of exploitation: HTCDS's built-in types, and emerging forms.

    A case worker who meets a form the taxonomy lacks proposes it (recommendation 2: new forms
    of exploitation); an expert panel reviews it and promotes it to the taxonomy or rejects it.
    The export writes a promoted form's HTCDS code (``Other`` unless mapped).
    """

    code = models.SlugField(max_length=60, unique=True)
    name_mk = models.CharField(max_length=200)
    name_sq = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    htcds_code = models.CharField(max_length=40, default="Other")
    builtin = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=FormStatus.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    AUDIT_FIELDS = ("code", "name_en", "status", "htcds_code")

    class Meta:
        ordering = ["-builtin", "name_en"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        language = (get_language() or "mk")[:2]
        return str(getattr(self, f"name_{language}", "") or self.name_en)


class Case(models.Model):
    """One person's case in the national referral mechanism, known by its pseudonymous code.

    Nothing here identifies the person: names, birth date, documents and contacts live in the
    encrypted :class:`IdentityRecord`. ``version`` implements optimistic locking: every change
    says which version it started from and is refused if someone saved in between.
    """

    code = models.CharField(max_length=20, unique=True)
    owner_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="owned_cases"
    )
    case_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="owned_cases"
    )
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    trafficking_status = models.CharField(
        max_length=20, choices=TraffickingStatus.choices, default=TraffickingStatus.POSSIBLE
    )
    # Pseudonymous profile (HTCDS person and victim context, without identity)
    sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.UNKNOWN)
    age_at_registration = models.PositiveSmallIntegerField(null=True, blank=True)
    age_when_trafficked = models.PositiveSmallIntegerField(null=True, blank=True)
    is_child = models.BooleanField(default=False)
    citizenship = models.JSONField(default=list, blank=True)
    primary_language = models.CharField(max_length=3, blank=True)
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_on = models.DateField()
    recruitment_methods = models.JSONField(default=list, blank=True)
    recruitment_platforms = models.JSONField(default=list, blank=True)
    recruitment_country = models.CharField(max_length=2, blank=True)
    control_methods = models.JSONField(default=list, blank=True)
    exploitation_forms = models.ManyToManyField(ExploitationForm, blank=True, related_name="cases")
    forced_labour_industry = models.CharField(max_length=1, choices=Industry.choices, blank=True)
    sex_exploitation_types = models.JSONField(default=list, blank=True)
    exploitation_country = models.CharField(max_length=2, blank=True)
    exploitation_municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    relationship_to_trafficker = models.CharField(
        max_length=20, choices=Relationship.choices, blank=True
    )
    # Foreign nationals: reflection and recovery period
    reflection_period_start = models.DateField(null=True, blank=True)
    reflection_period_end = models.DateField(null=True, blank=True)
    # Women: link to domestic-violence protection (Istanbul Convention)
    domestic_violence_related = models.BooleanField(default=False)
    # Closure and retention
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    closure_note = EncryptedTextField(blank=True)
    retention_until = models.DateField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    AUDIT_FIELDS = (
        "status",
        "trafficking_status",
        "sex",
        "age_band_at_registration",
        "age_band_when_trafficked",
        "is_child",
        "citizenship",
        "primary_language",
        "recruitment_methods",
        "recruitment_platforms",
        "recruitment_country",
        "control_methods",
        "forced_labour_industry",
        "sex_exploitation_types",
        "exploitation_country",
        "relationship_to_trafficker",
        "reflection_period_start",
        "reflection_period_end",
        "domestic_violence_related",
        "closed_on",
        "closure_reason",
        "retention_until",
        "case_owner_id",
    )

    class Meta:
        ordering = ["-registered_on", "-id"]
        indexes = [models.Index(fields=["owner_institution", "status"])]

    def __str__(self) -> str:
        return self.code

    # The audit log records age bands, never exact ages (audit rows outlive retention).
    @property
    def age_band_at_registration(self) -> str:
        return age_band(self.age_at_registration)

    @property
    def age_band_when_trafficked(self) -> str:
        return age_band(self.age_when_trafficked)

    @property
    def is_open(self) -> bool:
        return self.status in {CaseStatus.ACTIVE, CaseStatus.FOLLOW_UP}

    @property
    def is_foreign_national(self) -> bool:
        return bool(self.citizenship) and "MK" not in self.citizenship


class IdentityRecord(models.Model):
    """The identity vault of one case: every value encrypted in the database.

    Read only through ``fener.cases.selectors.identity_for`` (role, team membership and a
    stated purpose; every read audited). ``match_key`` is a blind index of name and birth date
    that finds a possible duplicate case without revealing either.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="identity")
    given_name = EncryptedTextField(blank=True)
    family_name = EncryptedTextField(blank=True)
    other_names = EncryptedTextField(blank=True)
    birth_date = EncryptedTextField(blank=True)
    identity_numbers = EncryptedJSONField(null=True, blank=True)
    phones = EncryptedJSONField(null=True, blank=True)
    emails = EncryptedJSONField(null=True, blank=True)
    addresses = EncryptedJSONField(null=True, blank=True)
    match_key = models.CharField(max_length=64, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    ENCRYPTED_FIELDS = (
        "given_name",
        "family_name",
        "other_names",
        "birth_date",
        "identity_numbers",
        "phones",
        "emails",
        "addresses",
    )

    def __str__(self) -> str:
        return f"identity of {self.case.code}"


class DocumentKind(models.TextChoices):
    PHOTO = "photo", _("Photograph")
    PASSPORT = "passport", _("Passport")
    IDENTITY_CARD = "identity_card", _("Identity card")
    CERTIFICATE = "certificate", _("Certificate or statement")
    OTHER = "other", _("Other document")


class IdentityDocument(models.Model):
    """A photo or scanned document of the person, encrypted (name and content)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    filename = EncryptedTextField()
    content_type = models.CharField(max_length=100)
    content = EncryptedBinaryField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class TeamMembership(models.Model):
    """A member of the case's multi-disciplinary team. Need-to-know follows membership."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_memberships"
    )
    role = models.CharField(max_length=20, choices=TeamRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    AUDIT_FIELDS = ("user_id", "role", "removed_at")

    class Meta:
        ordering = ["added_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=models.Q(removed_at__isnull=True),
                name="one_active_membership_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.case}"


class Perpetrator(models.Model):
    """A suspected perpetrator as the case knows them (HTCDS perpetrator context).

    Names, phones and accounts are encrypted like the victim's identity; the network module
    reads them only through the gatekeeper.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="perpetrators")
    roles = models.JSONField(default=list)
    sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.UNKNOWN)
    citizenship = models.CharField(max_length=2, blank=True)
    relationship = models.CharField(max_length=20, choices=Relationship.choices, blank=True)
    name = EncryptedTextField(blank=True)
    phones = EncryptedJSONField(null=True, blank=True)
    accounts = EncryptedJSONField(null=True, blank=True)
    details = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("roles", "sex", "citizenship", "relationship")

    def __str__(self) -> str:
        return f"perpetrator #{self.pk} of {self.case}"


class CaseNote(models.Model):
    """A formal update from a team member (HTCDS case comment), encrypted: notes name people."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"note #{self.pk} on {self.case}"


class DecidingBody(models.TextChoices):
    """HTCDS's trafficking-status decision-making organisation."""

    POLICE = "police", _("Police")
    NGO = "ngo", _("Non-governmental organisation")
    COURT_OR_PROSECUTION = "court_or_prosecution", _("Court or prosecution")
    GOVERNMENT = "government", _("Other governmental body")
    OTHER = "other", _("Other")


class StatusDecision(models.Model):
    """A change of trafficking status with who decided it, when and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_decisions")
    from_status = models.CharField(max_length=20, choices=TraffickingStatus.choices)
    to_status = models.CharField(max_length=20, choices=TraffickingStatus.choices)
    deciding_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+"
    )
    deciding_body = models.CharField(max_length=30, choices=DecidingBody.choices)
    decided_on = models.DateField()
    reasons = EncryptedTextField()
    screening = models.ForeignKey(
        "cases.Screening", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("from_status", "to_status", "deciding_institution_id", "decided_on")

    class Meta:
        ordering = ["decided_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_status} → {self.to_status}"
