"""Recruitment ads as institutions monitor them: where they come from, what the engine found,
what reviewers decided, who received a referral, and which model scored them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    FACEBOOK_GROUP = "facebook_group", _("Facebook group")
    INSTAGRAM = "instagram", _("Instagram")
    TELEGRAM = "telegram", _("Telegram channel")
    JOB_PORTAL = "job_portal", _("Job portal")
    CLASSIFIEDS = "classifieds", _("Classifieds site")
    SMS = "sms", _("SMS reports")
    PUBLIC_REPORT = "public_report", _("Reported by the public")
    OTHER = "other", _("Other")


class Arrival(models.TextChoices):
    UPLOAD = "upload", _("File upload")
    API = "api", _("API")
    FEED = "feed", _("Feed (RSS, Atom or JSON)")
    PUBLIC = "public", _("Public report")


class FeedFormat(models.TextChoices):
    RSS = "rss", "RSS"
    ATOM = "atom", "Atom"
    JSON = "json", "JSON"


class Source(models.Model):
    """Where ads come from: a platform, a country and language, and how ads arrive."""

    name = models.CharField(_("name"), max_length=120)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    country = models.CharField(_("country"), max_length=2, default="MK", help_text="ISO 3166-1")
    language = models.CharField(_("language"), max_length=5, blank=True)
    arrival = models.CharField(_("arrival"), max_length=10, choices=Arrival.choices)
    feed_url = models.URLField(_("feed address"), blank=True)
    feed_format = models.CharField(
        _("feed format"), max_length=5, choices=FeedFormat.choices, blank=True
    )
    institution = models.ForeignKey(
        "core.Institution", on_delete=models.PROTECT, related_name="ad_sources"
    )
    active = models.BooleanField(_("active"), default=True)
    last_pulled_at = models.DateTimeField(null=True, blank=True)
    last_pull_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("name", "platform", "country", "language", "arrival", "feed_url", "active")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SourceToken(models.Model):
    """A token with which a crawler or partner organisation sends ads into one source through
    the API. Only its SHA-256 is stored; the token is shown once, when it is made."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(max_length=8, help_text="First characters, to recognise it")
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="source_tokens"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    AUDIT_FIELDS = ("name", "prefix", "expires_at", "revoked_at")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AdStatus(models.TextChoices):
    NEW = "new", _("New")
    WATCHING = "watching", _("Watching")
    DISMISSED = "dismissed", _("Dismissed")
    TAKEDOWN = "takedown", _("Takedown requested")
    REFERRED_POLICE = "referred_police", _("Referred to police")
    REFERRED_LABOUR = "referred_labour", _("Referred to labour inspectorate")


class ModelVersion(models.Model):
    """One version of the risk model, stored in the database in the engine's plain format
    (NumPy arrays and JSON, never pickle), with its evaluation on held-out decisions."""

    version = models.CharField(max_length=80, unique=True)
    payload = models.BinaryField(help_text="The model file (fener-risk-model npz)")
    trained_at = models.DateTimeField()
    training_size = models.PositiveIntegerField(default=0)
    evaluation = models.JSONField(default=dict, blank=True)
    promoted = models.BooleanField(default=False)
    current = models.BooleanField(default=False)
    decision_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("version", "promoted", "current", "decision_reason")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["current"],
                condition=models.Q(current=True),
                name="adwatch_one_current_model",
            )
        ]

    def __str__(self) -> str:
        return self.version


class Ad(models.Model):
    """One ad, stored once however often it is seen (see :class:`Sighting`), with the
    engine's reading of it and the reviewers' status."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="ads")
    external_id = models.CharField(max_length=200, blank=True)
    fingerprint = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the source and external id, or text"
    )
    text = models.TextField()
    url = models.URLField(max_length=1000, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    sightings_count = models.PositiveIntegerField(default=1)
    raw_payload = models.JSONField(default=dict, blank=True)
    # What the engine found (the command-line contract's fields).
    language = models.CharField(max_length=5, blank=True)
    script = models.CharField(max_length=4, blank=True)
    risk = models.FloatField(null=True, blank=True, db_index=True)
    label = models.CharField(max_length=12, blank=True)
    indicators = models.JSONField(default=list, blank=True)
    entities = models.JSONField(default=dict, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    model_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="ads"
    )
    model_label = models.CharField(
        max_length=80, blank=True, help_text="Version of the model that scored the ad"
    )
    cluster_key = models.CharField(max_length=80, blank=True, db_index=True)
    operation = models.ForeignKey(
        "Operation", null=True, blank=True, on_delete=models.SET_NULL, related_name="ads"
    )
    status = models.CharField(
        max_length=20, choices=AdStatus.choices, default=AdStatus.NEW, db_index=True
    )
    reported_by_public = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("status", "risk", "label", "cluster_key", "operation_id")

    class Meta:
        ordering = ["-risk", "-last_seen"]
        indexes = [models.Index(fields=["status", "risk"]), models.Index(fields=["first_seen"])]

    def __str__(self) -> str:
        return f"{self.pk}: {self.text[:40]}"

    @property
    def indicator_codes(self) -> list[str]:
        return [item["code"] for item in self.indicators]


class Sighting(models.Model):
    """Each time an ad arrives (the same ad twice is stored once and seen twice)."""

    def __str__(self) -> str:
        return f"ad {self.ad_id} seen {self.seen_at:%Y-%m-%d %H:%M}"

    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="sightings")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="sightings")
    seen_at = models.DateTimeField()
    raw_payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-seen_at"]


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    HANDLE = "handle", _("Messenger handle")


class AdContact(models.Model):
    """A phone, e-mail or handle in an ad: the index behind "other ads with this phone"."""

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"

    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=10, choices=ContactKind.choices)
    value = models.CharField(max_length=200, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ad", "kind", "value"], name="adwatch_contact_once")
        ]


class Operation(models.Model):
    """Ads tied together by template or by shared contacts: the group behind them."""

    key = models.CharField(max_length=80, unique=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    ad_count = models.PositiveIntegerField(default=0)
    platforms = models.JSONField(default=list, blank=True)
    countries = models.JSONField(default=list, blank=True)
    phones = models.JSONField(default=list, blank=True)
    handles = models.JSONField(default=list, blank=True)
    max_risk = models.FloatField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-max_risk", "-last_seen"]

    def __str__(self) -> str:
        return self.key


class DecisionAction(models.TextChoices):
    DISMISS = "dismiss", _("Dismiss")
    WATCH = "watch", _("Keep watching")
    TAKEDOWN = "takedown", _("Request takedown from the platform")
    REFER_POLICE = "refer_police", _("Refer to police")
    REFER_LABOUR = "refer_labour", _("Refer to labour inspectorate")


# The status each decision leaves an ad in, and the training label it gives (None: no label).
DECISION_STATUS = {
    DecisionAction.DISMISS: AdStatus.DISMISSED,
    DecisionAction.WATCH: AdStatus.WATCHING,
    DecisionAction.TAKEDOWN: AdStatus.TAKEDOWN,
    DecisionAction.REFER_POLICE: AdStatus.REFERRED_POLICE,
    DecisionAction.REFER_LABOUR: AdStatus.REFERRED_LABOUR,
}
DECISION_LABEL = {
    DecisionAction.DISMISS: "legitimate",
    DecisionAction.WATCH: None,
    DecisionAction.TAKEDOWN: "suspicious",
    DecisionAction.REFER_POLICE: "suspicious",
    DecisionAction.REFER_LABOUR: "suspicious",
}


class Decision(models.Model):
    """A reviewer's decision on an ad, with the reason; append-only (a new decision supersedes)."""

    def __str__(self) -> str:
        return f"{self.action} on ad {self.ad_id}"

    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(max_length=20, choices=DecisionAction.choices)
    reason = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ad_decisions"
    )
    institution = models.ForeignKey(
        "core.Institution", on_delete=models.PROTECT, related_name="ad_decisions"
    )
    training_label = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("ad_id", "action", "reason", "training_label")

    class Meta:
        ordering = ["-created_at"]


class ReferralStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class Referral(models.Model):
    """An ad sent to another institution (police, labour inspectorate) by a decision."""

    def __str__(self) -> str:
        return f"ad {self.ad_id} to {self.to_institution_id} ({self.status})"

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="referral")
    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="referrals")
    from_institution = models.ForeignKey(
        "core.Institution", on_delete=models.PROTECT, related_name="ad_referrals_sent"
    )
    to_institution = models.ForeignKey(
        "core.Institution", on_delete=models.PROTECT, related_name="ad_referrals_received"
    )
    status = models.CharField(
        max_length=15, choices=ReferralStatus.choices, default=ReferralStatus.OPEN
    )
    response = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_FIELDS = ("status", "response", "to_institution_id")

    class Meta:
        ordering = ["-created_at"]


class WatchKind(models.TextChoices):
    OPERATION = "operation", _("Operation")
    PHONE = "phone", _("Phone")
    HANDLE = "handle", _("Messenger handle")


class Watch(models.Model):
    """A user's watch on an operation, phone or handle: new matching ads notify them."""

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ad_watches"
    )
    kind = models.CharField(max_length=10, choices=WatchKind.choices)
    value = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "value"], name="adwatch_watch_once")
        ]


class Notification(models.Model):
    """An in-app notification: a watched operation, phone or handle appeared in a new ad, or
    a referral arrived."""

    def __str__(self) -> str:
        return self.message

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ad_notifications"
    )
    ad = models.ForeignKey(Ad, null=True, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class UploadStatus(models.TextChoices):
    MAPPING = "mapping", _("Waiting for the column mapping")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Upload(models.Model):
    """A CSV or JSONL file of ads, mapped to Fener's fields and imported in the background."""

    def __str__(self) -> str:
        return self.file_name

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="uploads")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ad_uploads"
    )
    file_name = models.CharField(max_length=200)
    file_format = models.CharField(max_length=5)  # csv or jsonl
    content = models.BinaryField()
    columns = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=UploadStatus.choices, default=UploadStatus.MAPPING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_stored = models.PositiveIntegerField(default=0)
    rows_seen_again = models.PositiveIntegerField(default=0)
    rejected = models.JSONField(default=list, blank=True, help_text="[{line, reason}]")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class FloodCounter(models.Model):
    """Requests from one (hashed) client address in one time window, for the public pages'
    flood limits. Incremented atomically in the database, so concurrent requests and several
    server processes share one exact count."""

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
