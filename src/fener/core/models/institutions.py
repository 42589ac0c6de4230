"""Municipalities and the institutions that work against trafficking."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fener.core.models.translated import TranslatedName

REGION_LABELS = {
    "Skopje": _("Skopje region"),
    "Pelagonia": _("Pelagonia region"),
    "Polog": _("Polog region"),
    "Northeast": _("Northeast region"),
    "East": _("East region"),
    "Southeast": _("Southeast region"),
    "Southwest": _("Southwest region"),
    "Vardar": _("Vardar region"),
}


class Municipality(TranslatedName):
    """One of the 80 municipalities of North Macedonia (Census 2021 frame).

    Identified by the State Statistical Office's municipality code.
    """

    code = models.CharField(max_length=4, unique=True)
    region = models.CharField(max_length=40)
    city_of_skopje = models.BooleanField(default=False)
    population = models.PositiveIntegerField(help_text="Census 2021 resident population")
    naturalearth_hasc = models.CharField(
        max_length=60, blank=True, help_text="Natural Earth admin-1 codes, ';'-separated"
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name_plural = "municipalities"

    @property
    def region_label(self) -> str:
        """The statistical region's name in the active language."""
        return str(REGION_LABELS.get(self.region, self.region))


class InstitutionType(models.TextChoices):
    POLICE = "police", _("Police")
    FINANCIAL_POLICE = "financial_police", _("Financial police")
    CUSTOMS = "customs", _("Customs")
    PROSECUTION = "prosecution", _("Public prosecution")
    COURT = "court", _("Court")
    SOCIAL_WORK_CENTRE = "social_work_centre", _("Centre for social work")
    SHELTER = "shelter", _("Shelter")
    NGO = "ngo", _("Non-governmental organisation")
    INTERNATIONAL_ORG = "international_org", _("International organisation")
    SCHOOL = "school", _("School")
    MUNICIPALITY = "municipality", _("Municipality")
    MEDIA = "media", _("Media")
    MINISTRY = "ministry", _("Ministry or state body")
    NATIONAL_COMMISSION = "national_commission", _("National commission")
    OMBUDSMAN = "ombudsman", _("Ombudsman")
    LABOUR_INSPECTORATE = "labour_inspectorate", _("Labour inspectorate")


class Institution(TranslatedName):
    """A body whose staff use Fener: every user account belongs to exactly one institution."""

    key = models.SlugField(max_length=60, unique=True, help_text="Stable short identifier")
    type = models.CharField(max_length=30, choices=InstitutionType.choices)
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="institutions"
    )
    country = models.CharField(max_length=2, default="MK", help_text="ISO 3166-1 alpha-2 code")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_en"]
        indexes = [models.Index(fields=["type", "country"])]

    AUDIT_FIELDS = (
        "key",
        "type",
        "name_mk",
        "name_sq",
        "name_en",
        "municipality_id",
        "country",
        "parent_id",
        "email",
        "phone",
        "is_active",
    )
