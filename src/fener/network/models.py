"""Investigations: entities, links between them, money transfers, imports and analyses.

Everything belongs to one investigation and is seen only by its team. Names, identifiers and
notes are encrypted with the identity vault (``fener.cases.vault``): an investigation holds
suspects' and victims' phones and accounts. An entity is found again by a blind index of its
normalised value, never by the value itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fener.cases.fields import EncryptedBinaryField, EncryptedJSONField, EncryptedTextField


class InvestigationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class MemberRole(models.TextChoices):
    LEAD = "lead", _("Lead investigator")
    ANALYST = "analyst", _("Analyst")
    OBSERVER = "observer", _("Observer (reads only)")


class EntityKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    ACCOUNT = "account", _("Bank account")
    ADDRESS = "address", _("Address")
    VEHICLE = "vehicle", _("Vehicle")
    HANDLE = "handle", _("Online handle")
    AD = "ad", _("Ad")
    CASE = "case", _("Case")


class LinkType(models.TextChoices):
    OWNS = "owns", _("owns or holds")
    USES = "uses", _("uses")
    CONTACTED = "contacted", _("contacted")
    EMPLOYS = "employs", _("employs or recruits")
    ASSOCIATE = "associate", _("associate of")
    FAMILY = "family", _("family of")
    LIVES_AT = "lives_at", _("lives or is registered at")
    APPEARS_IN = "appears_in", _("appears in")
    SUSPECT_IN = "suspect_in", _("suspected perpetrator in")
    PAID = "paid", _("paid")


class Origin(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Transaction import")
    ADS = "ads", _("Ad monitoring")
    CASES = "cases", _("Victim cases")


class Investigation(models.Model):
    """A named set of entities that a team from one or several institutions works on."""

    name = models.CharField(max_length=120)
    summary = EncryptedTextField(blank=True)
    lead_institution = models.ForeignKey(
        "core.Institution", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=InvestigationStatus.choices, default=InvestigationStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    AUDIT_FIELDS = ("name", "status", "lead_institution_id")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class InvestigationMember(models.Model):
    """A user on an investigation's team, with their role; removal keeps the row."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=MemberRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "user"],
                condition=Q(removed_at__isnull=True),
                name="network_member_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.investigation}"


class Entity(models.Model):
    """A person, company, phone, account, ... in an investigation.

    ``label`` is what people read (encrypted); ``key`` is a blind index of the kind and the
    normalised value, so the same phone or account entered twice is one entity. A merge (two
    entities found to be one) points ``merged_into`` at the one kept, with its score and
    evidence, and can be undone.
    """

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="entities"
    )
    kind = models.CharField(max_length=10, choices=EntityKind.choices)
    label = EncryptedTextField()
    key = models.CharField(max_length=64)
    note = EncryptedTextField(blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    origin_ref = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    merge_score = models.FloatField(null=True, blank=True)
    merge_evidence = EncryptedTextField(blank=True)

    AUDIT_FIELDS = ("kind", "origin", "origin_ref", "merged_into_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "kind", "key"], name="network_entity_once"
            )
        ]
        indexes = [models.Index(fields=["investigation", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Link(models.Model):
    """A typed, sourced relation between two entities, with a confidence and a time."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="links_in")
    type = models.CharField(max_length=12, choices=LinkType.choices)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    confidence = models.FloatField(default=1.0)
    occurred_at = models.DateTimeField(null=True, blank=True)
    note = EncryptedTextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("source_id", "target_id", "type", "origin", "confidence", "occurred_at")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "source", "target", "type"], name="network_link_once"
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                name="network_link_confidence",
            ),
        ]

    def __str__(self) -> str:
        return f"link #{self.pk}"


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Waiting for the column mapping")
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking rows")
    WRITING = "writing", _("Saving")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Refused: nothing imported")


class TransferImport(models.Model):
    """A CSV or XLSX file of transfers on its way into an investigation.

    The file is kept (encrypted) only until it has been imported or refused. Either every row
    is imported or none is: rows are checked first (``rows_checked`` shows the progress),
    then written in one transaction.
    """

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=200)
    file_format = models.CharField(max_length=5)
    content = EncryptedBinaryField(null=True, blank=True)
    columns = models.JSONField(default=list)
    layout = models.CharField(max_length=20, blank=True)
    mapping = models.JSONField(default=dict)
    currency = models.CharField(max_length=3, default="EUR")
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.MAPPING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    # Refused rows quote the file's values (account numbers, names): encrypted like them.
    problems = EncryptedJSONField(null=True, blank=True)
    problems_total = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class Transfer(models.Model):
    """One money transfer between two account entities."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="transfers"
    )
    batch = models.ForeignKey(
        TransferImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference = models.CharField(max_length=100)
    source = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="transfers_out")
    target = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="transfers_in")
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "reference"], name="network_transfer_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="network_transfer_positive"),
        ]
        indexes = [models.Index(fields=["investigation", "occurred_at"])]

    def __str__(self) -> str:
        return self.reference


class AnalysisStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class AnalysisRun(models.Model):
    """One run of the networks engine over an investigation's transfers and links.

    ``result`` holds entity ids and transfer references only (no names): the typology flags
    with their proving transfers, communities, and the ranked accounts.
    """

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="analyses"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    window_days = models.FloatField(default=7)
    threshold = models.DecimalField(max_digits=18, decimal_places=2, default=15_000)
    status = models.CharField(
        max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.QUEUED
    )
    transfers = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"analysis #{self.pk}"
