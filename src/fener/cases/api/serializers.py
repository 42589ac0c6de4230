"""Shapes of the case management API. Input serializers check types and closed vocabularies
only; the services decide everything else. Output serializers never touch identity data,
except :class:`IdentitySerializer`, which renders what ``selectors.identity_for`` returned.

Free text (decision reasons, a referral's purpose and answer note) is rendered only when the
view says the caller may read it (context ``sees_text``, from
:func:`fener.cases.policies.sees_case_text` or ``sees_referral_text``); otherwise it is null."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from fener.analytics.identification import ANSWERS, INDICATOR_SETS
from fener.cases.models import (
    Case,
    CaseReferral,
    Consent,
    Screening,
    StatusDecision,
    TeamMembership,
)
from fener.cases.vocabulary import (
    CaseStatus,
    ConsentScope,
    ControlMethod,
    Industry,
    ReadPurpose,
    RecruitmentMethod,
    RecruitmentPlatform,
    ReferralReason,
    ReferralStatus,
    Relationship,
    Sex,
    SexExploitationType,
    SharedSection,
    TraffickingStatus,
    age_band,
)

CONFLICT_CODES = ["stale_edit", "consent_required", "child_safeguard_missing", "wrong_state"]


class VocabularyField(serializers.ChoiceField):
    """A code from one of the case vocabularies, documented as one enum named after it.

    Several models have a ``status`` with a different vocabulary; without a name of its own
    each would make the schema generator guess (and warn).
    """

    def __init__(self, vocabulary: type[models.TextChoices], **kwargs: Any) -> None:
        self.vocabulary = vocabulary
        super().__init__(choices=vocabulary.choices, **kwargs)


class VocabularyFieldScheme(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = VocabularyField

    def get_name(self) -> str:
        return f"{self.target.vocabulary.__name__}Enum"

    def map_serializer_field(self, auto_schema: object, direction: object) -> dict[str, Any]:
        vocabulary = self.target.vocabulary
        return {
            "type": "string",
            "enum": list(vocabulary.values),
            "description": "\n".join(f"* `{code}` - {label}" for code, label in vocabulary.choices),
        }


# --- Input ----------------------------------------------------------------------------------


class InputSerializer(serializers.Serializer[Any]):
    """Refuses fields it does not know, so that a misspelt field is not silently ignored."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("This field is not accepted here.")] for name in unknown}
                )
        return super().to_internal_value(data)


def _codes(choices: Any) -> serializers.ListField:
    return serializers.ListField(child=serializers.ChoiceField(choices=choices), required=False)


class ProfileSerializer(InputSerializer):
    """The pseudonymous profile of a case (all fields optional; only those sent change)."""

    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    age_at_registration = serializers.IntegerField(required=False, allow_null=True)
    age_when_trafficked = serializers.IntegerField(required=False, allow_null=True)
    is_child = serializers.BooleanField(
        required=False, help_text="Derived from the age at registration unless sent"
    )
    citizenship = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="ISO 3166 codes, e.g. MK"
    )
    primary_language = serializers.CharField(required=False, allow_blank=True, max_length=3)
    municipality = serializers.CharField(
        required=False, allow_null=True, help_text="Municipality code"
    )
    recruitment_methods = _codes(RecruitmentMethod.choices)
    recruitment_platforms = _codes(RecruitmentPlatform.choices)
    recruitment_country = serializers.CharField(required=False, allow_blank=True)
    control_methods = _codes(ControlMethod.choices)
    exploitation_forms = serializers.ListField(
        child=serializers.SlugField(), required=False, help_text="Codes of forms of exploitation"
    )
    forced_labour_industry = serializers.ChoiceField(
        choices=Industry.choices, required=False, allow_blank=True
    )
    sex_exploitation_types = _codes(SexExploitationType.choices)
    exploitation_country = serializers.CharField(required=False, allow_blank=True)
    exploitation_municipality = serializers.CharField(
        required=False, allow_null=True, help_text="Municipality code"
    )
    relationship_to_trafficker = serializers.ChoiceField(
        choices=Relationship.choices, required=False, allow_blank=True
    )


class CaseOpenSerializer(ProfileSerializer):
    registered_on = serializers.DateField(required=False, help_text="Today when left out")


class CaseChangeSerializer(ProfileSerializer):
    version = serializers.IntegerField(
        help_text="Required: the case's version this change starts from (a stale one is a 409)"
    )


class IdentityReadSerializer(InputSerializer):
    purpose = serializers.ChoiceField(choices=ReadPurpose.choices)


class StatusDecideSerializer(InputSerializer):
    to_status = VocabularyField(TraffickingStatus)
    decided_on = serializers.DateField()
    reasons = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()
    screening = serializers.IntegerField(
        required=False, allow_null=True, help_text="The screening the decision rests on"
    )


class ScreeningRecordSerializer(InputSerializer):
    indicator_set = serializers.ChoiceField(choices=sorted(INDICATOR_SETS))
    interviewed_on = serializers.DateField()
    answers = serializers.DictField(
        child=serializers.ChoiceField(choices=list(ANSWERS)),
        help_text="Indicator code → present, absent or unknown",
    )
    forced_labour_answers = serializers.DictField(
        child=serializers.ChoiceField(choices=list(ANSWERS)), required=False
    )
    interpreter_used = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ConsentRecordSerializer(InputSerializer):
    scope = serializers.ChoiceField(choices=ConsentScope.choices)
    method = serializers.ChoiceField(choices=Consent.Method.choices)
    given_on = serializers.DateField()


class ReferralCreateSerializer(InputSerializer):
    to_institution = serializers.SlugField(help_text="The receiving institution's key")
    reason = serializers.ChoiceField(choices=ReferralReason.choices)
    purpose = serializers.CharField(allow_blank=True)
    sections = serializers.ListField(
        child=serializers.ChoiceField(choices=SharedSection.choices),
        required=False,
        help_text="What to share; the pseudonymous profile alone when left out",
    )
    respond_by = serializers.DateField(required=False, allow_null=True)
    override_legal_basis = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReferralRespondSerializer(InputSerializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReferralCompleteSerializer(InputSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReferralRevokeSerializer(InputSerializer):
    reason = serializers.CharField(allow_blank=True)


# --- Output ---------------------------------------------------------------------------------


def _slug(slug_field: str, *, many: bool = False) -> Any:
    """A related record shown by its stable key or code rather than its database id."""
    return serializers.SlugRelatedField(slug_field=slug_field, many=many, read_only=True)


class ConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=CONFLICT_CODES)


class CaseSummarySerializer(serializers.ModelSerializer[Case]):
    """A case in a list: its code and pseudonymous profile, never identity."""

    status = VocabularyField(CaseStatus, read_only=True)
    trafficking_status = VocabularyField(TraffickingStatus, read_only=True)
    owner_institution = _slug("key")
    age_band = serializers.SerializerMethodField()
    citizenship = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Case
        fields = [
            "code",
            "status",
            "trafficking_status",
            "sex",
            "age_band",
            "is_child",
            "citizenship",
            "registered_on",
            "owner_institution",
            "version",
        ]
        read_only_fields = fields

    def get_age_band(self, case: Case) -> str:
        return str(age_band(case.age_at_registration))


class TeamMemberSerializer(serializers.ModelSerializer[TeamMembership]):
    username = serializers.CharField(source="user.username", read_only=True)
    institution = serializers.CharField(source="user.institution.key", read_only=True)

    class Meta:
        model = TeamMembership
        fields = ["username", "institution", "role"]
        read_only_fields = fields


class StatusDecisionSerializer(serializers.ModelSerializer[StatusDecision]):
    from_status = VocabularyField(TraffickingStatus, read_only=True)
    to_status = VocabularyField(TraffickingStatus, read_only=True)
    deciding_institution = _slug("key")
    reasons = serializers.SerializerMethodField(
        help_text="Free text: only for members of the case's team (null for others)"
    )

    class Meta:
        model = StatusDecision
        fields = [
            "from_status",
            "to_status",
            "deciding_institution",
            "deciding_body",
            "decided_on",
            "reasons",
        ]
        read_only_fields = fields

    def get_reasons(self, decision: StatusDecision) -> str | None:
        return decision.reasons if self.context.get("sees_text") else None


class ScreeningSummarySerializer(serializers.ModelSerializer[Screening]):
    class Meta:
        model = Screening
        fields = ["id", "indicator_set", "interviewed_on", "recommendation"]
        read_only_fields = fields


class ConsentSerializer(serializers.ModelSerializer[Consent]):
    class Meta:
        model = Consent
        fields = ["id", "scope", "method", "given_on", "withdrawn_on"]
        read_only_fields = fields


class ReferralSummarySerializer(serializers.ModelSerializer[CaseReferral]):
    """A referral as either side lists it (no shared content)."""

    from_institution = _slug("key")
    to_institution = _slug("key")
    status = VocabularyField(ReferralStatus, read_only=True)
    shared_sections = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = CaseReferral
        fields = [
            "id",
            "from_institution",
            "to_institution",
            "cross_border",
            "reason",
            "status",
            "respond_by",
            "shared_sections",
            "created_at",
        ]
        read_only_fields = fields


class ReferralDetailSerializer(ReferralSummarySerializer):
    """One referral with the copy of what was shared (``payload``: one key per section;
    null once the referral is rejected or revoked). ``purpose`` and ``response_note`` are free
    text: null for a caller on the case's side who is not on its team, and for the receiving
    institution once the referral is rejected or revoked."""

    override_legal_basis = serializers.SerializerMethodField(
        help_text="Typed by the sender: null where the caller may not read the referral's text"
    )
    purpose = serializers.SerializerMethodField(
        help_text="Free text: null for those who may not read it"
    )
    response_note = serializers.SerializerMethodField(
        help_text="Free text: null for those who may not read it"
    )
    with_consent = serializers.SerializerMethodField(
        help_text="False when shared under a lawful override"
    )
    payload = serializers.SerializerMethodField()

    class Meta(ReferralSummarySerializer.Meta):
        fields = [
            *ReferralSummarySerializer.Meta.fields,
            "purpose",
            "with_consent",
            "override_legal_basis",
            "responded_at",
            "response_note",
            "completed_at",
            "revoked_at",
            "payload",
        ]
        read_only_fields = fields

    def get_purpose(self, referral: CaseReferral) -> str | None:
        return referral.purpose if self.context.get("sees_text") else None

    def get_override_legal_basis(self, referral: CaseReferral) -> str | None:
        return referral.override_legal_basis if self.context.get("sees_text") else None

    def get_response_note(self, referral: CaseReferral) -> str | None:
        return referral.response_note if self.context.get("sees_text") else None

    def get_with_consent(self, referral: CaseReferral) -> bool:
        return referral.consent_id is not None

    def get_payload(self, referral: CaseReferral) -> dict[str, Any] | None:
        payload: dict[str, Any] | None = self.context.get("payload")
        return payload


class CaseDetailSerializer(CaseSummarySerializer):
    """A case with its profile, exploitation, team, decisions, screenings, consents and
    outgoing referrals. Free text (decision reasons) is given to team members only."""

    municipality = _slug("code")
    exploitation_municipality = _slug("code")
    exploitation_forms = _slug("code", many=True)
    recruitment_methods = serializers.ListField(child=serializers.CharField(), read_only=True)
    recruitment_platforms = serializers.ListField(child=serializers.CharField(), read_only=True)
    control_methods = serializers.ListField(child=serializers.CharField(), read_only=True)
    sex_exploitation_types = serializers.ListField(child=serializers.CharField(), read_only=True)
    team = TeamMemberSerializer(many=True, read_only=True)
    status_decisions = StatusDecisionSerializer(many=True, read_only=True)
    screenings = ScreeningSummarySerializer(many=True, read_only=True)
    consents = ConsentSerializer(many=True, read_only=True)
    referrals = ReferralSummarySerializer(many=True, read_only=True)

    class Meta(CaseSummarySerializer.Meta):
        fields = [
            *CaseSummarySerializer.Meta.fields,
            "age_at_registration",
            "age_when_trafficked",
            "primary_language",
            "municipality",
            "recruitment_methods",
            "recruitment_platforms",
            "recruitment_country",
            "control_methods",
            "exploitation_forms",
            "forced_labour_industry",
            "sex_exploitation_types",
            "exploitation_country",
            "exploitation_municipality",
            "relationship_to_trafficker",
            "reflection_period_start",
            "reflection_period_end",
            "domestic_violence_related",
            "closed_on",
            "closure_reason",
            "team",
            "status_decisions",
            "screenings",
            "consents",
            "referrals",
        ]
        read_only_fields = fields


class StatusDecisionAnswerSerializer(serializers.Serializer[Any]):
    decision = StatusDecisionSerializer()
    case = CaseSummarySerializer()


class ScreeningAdviceSerializer(serializers.Serializer[Any]):
    """The engine's advice on a recorded screening. It never decides the status."""

    id = serializers.IntegerField()
    indicator_set = serializers.CharField()
    interviewed_on = serializers.DateField()
    recommendation = serializers.ChoiceField(
        choices=["strong_indication", "further_assessment", "insufficient_indication"]
    )
    rule_met = serializers.BooleanField()
    explanation = serializers.ListField(
        child=serializers.CharField(), help_text="Sentences in the request's language"
    )
    forced_labour_present = serializers.ListField(child=serializers.CharField())
    notice = serializers.CharField()


class IdentityNumberSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    number = serializers.CharField()
    country = serializers.CharField(allow_blank=True)


class DocumentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class IdentitySerializer(serializers.Serializer[Any]):
    """The identity vault of a case, as read for one stated purpose."""

    case = serializers.CharField(help_text="The case's code")
    recorded = serializers.BooleanField(help_text="False when no identity data are recorded")
    given_name = serializers.CharField(allow_blank=True)
    family_name = serializers.CharField(allow_blank=True)
    other_names = serializers.CharField(allow_blank=True)
    birth_date = serializers.CharField(allow_blank=True, help_text="YYYY-MM-DD or empty")
    identity_numbers = IdentityNumberSerializer(many=True)
    phones = serializers.ListField(child=serializers.CharField())
    emails = serializers.ListField(child=serializers.CharField())
    addresses = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField(allow_null=True)
    documents = DocumentSerializer(many=True)
