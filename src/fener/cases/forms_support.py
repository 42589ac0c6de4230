"""Forms of the support plan, follow-ups, risk assessments and the catalogue of providers.

They check the shape of the input; :mod:`fener.cases.services.support` checks the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fener.analytics.identification import RISK_FACTORS
from fener.cases.models import GoalStatus, ServiceDelivery, ServiceProvider
from fener.cases.services.support import DEFAULT_SCHEDULE_MONTHS, OUTCOME_INDICATORS
from fener.cases.vocabulary import SupportDomain
from fener.core.models import Institution, Municipality, User


def _date(label: Any, *, required: bool = True, initial: Any = None) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        initial=initial,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class PlanCreateForm(forms.Form):
    objectives = forms.CharField(
        label=_("Objectives"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    start_on = _date(_("Start"), required=False)
    planned_end = _date(_("Planned end"), required=False)
    schedule = forms.CharField(
        label=_("Follow-ups (months after the start)"),
        max_length=100,
        required=False,
        initial=", ".join(str(months) for months in DEFAULT_SCHEDULE_MONTHS),
        help_text=_("Whole months separated by commas; leave empty for no scheduled follow-ups."),
    )

    def clean_schedule(self) -> tuple[int, ...]:
        text = str(self.cleaned_data.get("schedule") or "")
        parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        if not all(part.isdigit() for part in parts):
            raise ValidationError(_("Give whole numbers of months, for example 1, 3, 6, 12, 24."))
        return tuple(int(part) for part in parts)


class PlanEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    objectives = forms.CharField(
        label=_("Objectives"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    planned_end = _date(_("Planned end"), required=False)


class GoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), choices=SupportDomain.choices)
    description = forms.CharField(
        label=_("Goal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    target_date = _date(_("Target date"), required=False)


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


def provider_label(provider: ServiceProvider) -> str:
    """The provider's name with what matters for a woman or a child."""
    notes = []
    if provider.women_only:
        notes.append(str(_("women only")))
    elif provider.female_staff_available:
        notes.append(str(_("female staff")))
    if provider.child_friendly:
        notes.append(str(_("child-friendly")))
    return f"{provider.name} ({', '.join(notes)})" if notes else provider.name


class ServiceForm(forms.Form):
    """A service towards one goal; ``providers`` are those to offer, in the order shown."""

    provider = forms.TypedChoiceField(label=_("Provider"), coerce=int)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (ServiceDelivery.Status.PLANNED.value, ServiceDelivery.Status.PLANNED.label),
            (ServiceDelivery.Status.ONGOING.value, ServiceDelivery.Status.ONGOING.label),
        ],
    )
    started_on = _date(_("Started on"), required=False)

    def __init__(self, *args: Any, providers: Sequence[ServiceProvider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.providers = {provider.pk: provider for provider in providers}
        field: Any = self.fields["provider"]
        field.choices = [(p.pk, provider_label(p)) for p in providers]

    def chosen_provider(self) -> ServiceProvider:
        return self.providers[self.cleaned_data["provider"]]


class ServiceStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ServiceDelivery.Status.choices)
    on = _date(_("On"), required=False)


class FollowUpForm(forms.Form):
    due_on = _date(_("Due on"))
    task = forms.CharField(label=_("Task"), max_length=200)
    assigned_to = forms.TypedChoiceField(
        label=_("Assigned to"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, members: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {user.pk: user for user in members}
        field: Any = self.fields["assigned_to"]
        field.choices = [("", _("The case manager"))] + [
            (user.pk, user.display_name) for user in members
        ]

    def chosen_member(self) -> User | None:
        pk = self.cleaned_data.get("assigned_to")
        return self.members.get(pk) if pk is not None else None


class FollowUpCompleteForm(forms.Form):
    """The follow-up's date, notes, and one optional field per outcome indicator."""

    done_on = _date(_("Took place on"))
    notes = forms.CharField(
        label=_("Notes"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        for indicator in OUTCOME_INDICATORS:
            self.fields[indicator.code] = forms.ChoiceField(
                label=indicator.label,
                required=False,
                choices=[("", _("Not recorded")), *indicator.values],
            )

    def outcomes(self) -> dict[str, str]:
        """The outcomes recorded (indicators left at "not recorded" are left out)."""
        return {
            indicator.code: self.cleaned_data[indicator.code]
            for indicator in OUTCOME_INDICATORS
            if self.cleaned_data.get(indicator.code)
        }


class RiskAssessmentForm(forms.Form):
    """The date and one box per factor of the identification engine (labels translated)."""

    assessed_on = _date(_("Assessed on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"assessed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        for factor in RISK_FACTORS:
            # The engine's labels are English msgids from its catalogue marker.
            self.fields[factor.code] = forms.BooleanField(label=_(factor.label), required=False)

    def factors(self) -> dict[str, bool]:
        return {factor.code: bool(self.cleaned_data.get(factor.code)) for factor in RISK_FACTORS}

    def risk_fields(self) -> list[forms.BoundField]:
        return [self[factor.code] for factor in RISK_FACTORS if not factor.protective]

    def protective_fields(self) -> list[forms.BoundField]:
        return [self[factor.code] for factor in RISK_FACTORS if factor.protective]


class ProviderFilterForm(forms.Form):
    """The catalogue's filters (a GET form: every field optional)."""

    domain = forms.ChoiceField(
        label=_("Domain"), required=False, choices=[("", _("All domains")), *SupportDomain.choices]
    )
    gender_sensitive = forms.BooleanField(label=_("Gender-sensitive"), required=False)
    child_friendly = forms.BooleanField(label=_("Child-friendly"), required=False)
    include_inactive = forms.BooleanField(label=_("Include inactive"), required=False)


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    domains = forms.MultipleChoiceField(
        label=_("Domains"), choices=SupportDomain.choices, widget=forms.CheckboxSelectMultiple
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.all(), required=False
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.all(), required=False
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    women_only = forms.BooleanField(label=_("For women only"), required=False)
    female_staff_available = forms.BooleanField(label=_("Female staff available"), required=False)
    child_friendly = forms.BooleanField(label=_("Child-friendly"), required=False)
    languages = forms.CharField(
        label=_("Languages"),
        max_length=100,
        required=False,
        help_text=_("Language codes separated by commas, for example mk, sq, en, rom."),
    )
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_languages(self) -> list[str]:
        text = str(self.cleaned_data.get("languages") or "")
        return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]

    @staticmethod
    def initial_for(provider: ServiceProvider) -> dict[str, Any]:
        return {
            "name": provider.name,
            "domains": list(provider.domains),
            "institution": provider.institution_id,
            "municipality": provider.municipality_id,
            "description": provider.description,
            "women_only": provider.women_only,
            "female_staff_available": provider.female_staff_available,
            "child_friendly": provider.child_friendly,
            "languages": ", ".join(provider.languages),
            "contact": provider.contact,
            "is_active": provider.is_active,
        }
