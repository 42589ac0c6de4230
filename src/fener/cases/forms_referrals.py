"""Forms of the referral, consent, safeguard and exploitation-form pages.

They check the shape of the input only; the services in :mod:`fener.cases.services` decide
(consent, overrides, child safeguards, permissions) and their errors are shown on the forms.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fener.cases.models import Consent, ProtectionMeasure
from fener.cases.vocabulary import (
    IDENTITY_SECTIONS,
    ConsentScope,
    ReferralReason,
    SharedSection,
)
from fener.core.models import Institution, User

DATE_INPUT = {"type": "date"}


def _date_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
        **kwargs,
    )


# --- Referrals -----------------------------------------------------------------------------


class ReferralForm(forms.Form):
    """A new referral. The override fields exist only for a user who may override consent."""

    to_institution = forms.ChoiceField(label=_("Refer to"))
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *ReferralReason.choices])
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the receiving institution is asked to do, in a few sentences."),
    )
    sections = forms.MultipleChoiceField(
        label=_("What to share"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Share only what the receiving institution needs for this purpose. The pseudonymous "
            "profile is always shared; it does not name the person."
        ),
    )
    respond_by = _date_field(_("Answer expected by"))
    override_legal_basis = forms.CharField(
        label=_("Legal basis for sharing without consent"),
        max_length=200,
        required=False,
        help_text=_("The law and article that allow sharing without the person's consent."),
    )
    override_reason = forms.CharField(
        label=_("Why the referral cannot wait for consent"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        institutions: Iterable[Institution],
        may_share_identity: bool,
        may_override: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._institutions = {str(institution.pk): institution for institution in institutions}
        home = [(pk, i.name) for pk, i in self._institutions.items() if i.country == "MK"]
        abroad = [
            (pk, f"{i.name} ({i.country})")
            for pk, i in self._institutions.items()
            if i.country != "MK"
        ]
        groups: list[tuple[Any, Any]] = [("", "—")]
        if home:
            groups.append((_("In the country"), home))
        if abroad:
            groups.append((_("Abroad"), abroad))
        institution_field: Any = self.fields["to_institution"]
        institution_field.choices = groups
        sections_field: Any = self.fields["sections"]
        sections_field.choices = [
            (value, label)
            for value, label in SharedSection.choices
            if may_share_identity or value not in IDENTITY_SECTIONS
        ]
        self.fields["sections"].initial = [SharedSection.PROFILE.value]
        if not may_override:
            del self.fields["override_legal_basis"]
            del self.fields["override_reason"]

    @property
    def offers_override(self) -> bool:
        return "override_legal_basis" in self.fields

    def clean_to_institution(self) -> Institution:
        institution = self._institutions.get(str(self.cleaned_data.get("to_institution") or ""))
        if institution is None:
            raise forms.ValidationError(_("Choose the institution to refer the case to."))
        return institution

    def clean_sections(self) -> list[str]:
        chosen = [str(value) for value in self.cleaned_data.get("sections") or []]
        return [SharedSection.PROFILE.value, *(v for v in chosen if v != SharedSection.PROFILE)]


class ReferralAnswerForm(forms.Form):
    """The receiving institution accepts or rejects a pending referral."""

    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[("accept", _("Accept the referral")), ("reject", _("Reject the referral"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the sending institution"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject the referral."),
    )


class ReferralCompleteForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReferralRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the referral is withdrawn"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The receiving institution loses the shared data at once."),
    )


# --- Consent -------------------------------------------------------------------------------


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label=_("The person agreed to"), choices=ConsentScope.choices)
    method = forms.ChoiceField(label=_("How"), choices=Consent.Method.choices)
    given_on = _date_field(_("Given on"), initial=timezone.localdate)


class ConsentWithdrawForm(forms.Form):
    consent = forms.IntegerField(widget=forms.HiddenInput)
    withdrawn_on = _date_field(_("Withdrawn on"), initial=timezone.localdate)


# --- Child safeguards and protection measures ------------------------------------------------


class GuardianForm(forms.Form):
    guardian = forms.ModelChoiceField(
        label=_("Guardian's account"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Only if the guardian uses Fener."),
    )
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=200, required=False)
    appointing_institution = forms.ModelChoiceField(
        label=_("Appointed by"), queryset=Institution.objects.none()
    )
    appointed_on = _date_field(_("Appointed on"), initial=timezone.localdate)

    def __init__(
        self,
        *args: Any,
        accounts: QuerySet[User],
        institutions: QuerySet[Institution],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        guardian_field: Any = self.fields["guardian"]
        guardian_field.queryset = accounts
        guardian_field.label_from_instance = lambda user: user.display_name
        institution_field: Any = self.fields["appointing_institution"]
        institution_field.queryset = institutions


class BestInterestsForm(forms.Form):
    assessed_on = _date_field(_("Assessed on"), initial=timezone.localdate)
    child_heard = forms.BooleanField(label=_("The child was heard"), required=False)
    conclusion = forms.CharField(
        label=_("Conclusion"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProtectionMeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=ProtectionMeasure.Kind.choices)
    issued_by = forms.ModelChoiceField(label=_("Issued by"), queryset=Institution.objects.none())
    issued_on = _date_field(_("Issued on"), initial=timezone.localdate)
    expires_on = _date_field(_("Expires on"), required=False)
    reference = forms.CharField(
        label=_("Reference (decision number)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        institution_field: Any = self.fields["issued_by"]
        institution_field.queryset = institutions


# --- Forms of exploitation -------------------------------------------------------------------


class FormProposalForm(forms.Form):
    name_mk = forms.CharField(label=_("Name in Macedonian"), max_length=200)
    name_sq = forms.CharField(label=_("Name in Albanian"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "How the exploitation works and why no existing form fits it, in general terms: "
            "no names, places or dates that point to a person (this text is not encrypted)."
        ),
    )


class FormReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("promote", _("Promote to the taxonomy")),
            ("reject", _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    htcds_code = forms.ChoiceField(
        label=_("HTCDS type in the export"),
        required=False,
        help_text=_("The standard's type this form is exported as when promoted."),
    )
    note = forms.CharField(
        label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, htcds_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code_field: Any = self.fields["htcds_code"]
        code_field.choices = htcds_choices
        code_field.initial = "Other"
