"""Forms of the review pages. They check the shape of the input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fener.adwatch.labels import indicator_choices
from fener.adwatch.models import (
    AdStatus,
    DecisionAction,
    Operation,
    Platform,
    ReferralStatus,
    WatchKind,
)
from fener.adwatch.services.decisions import MAX_REASON_CHARACTERS
from fener.core.models import Institution, InstitutionType


def _any(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class QueueFilterForm(forms.Form):
    """The review queue's filters (a GET form: every field optional)."""

    language = forms.ChoiceField(label=_("Language"), required=False)
    platform = forms.ChoiceField(
        label=_("Platform"), required=False, choices=_any(_("All platforms")) + Platform.choices
    )
    indicator = forms.ChoiceField(label=_("Indicator"), required=False)
    operation = forms.ModelChoiceField(
        label=_("Operation"),
        required=False,
        queryset=Operation.objects.none(),
        empty_label=_("All operations"),
    )
    first_seen_from = forms.DateField(
        label=_("First seen from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    first_seen_to = forms.DateField(
        label=_("First seen until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_any(_("All statuses")) + AdStatus.choices
    )

    def __init__(
        self,
        *args: Any,
        languages: list[str],
        operations: QuerySet[Operation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        language_field: Any = self.fields["language"]
        language_field.choices = _any(_("All languages")) + [(code, code) for code in languages]
        indicator_field: Any = self.fields["indicator"]
        indicator_field.choices = _any(_("All indicators")) + indicator_choices()
        operation_field: Any = self.fields["operation"]
        operation_field.queryset = operations

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        start, end = (data or {}).get("first_seen_from"), (data or {}).get("first_seen_to")
        if start and end and start > end:
            raise ValidationError(_("The start date is after the end date."))
        return data


class DecisionForm(forms.Form):
    """A reviewer's decision; a referral also names the receiving institution."""

    action = forms.ChoiceField(
        label=_("Decision"), choices=DecisionAction.choices, widget=forms.RadioSelect
    )
    to_institution = forms.ChoiceField(
        label=_("Refer to"),
        required=False,
        help_text=_("Only for referrals: a police unit or a labour inspectorate."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, recipients: dict[str, list[Institution]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._recipients = {
            str(institution.pk): institution
            for group in recipients.values()
            for institution in group
        }
        groups: list[tuple[Any, Any]] = [("", "—")]
        for type_value, institutions in recipients.items():
            if institutions:
                groups.append(
                    (
                        InstitutionType(type_value).label,
                        [(str(institution.pk), institution.name) for institution in institutions],
                    )
                )
        field: Any = self.fields["to_institution"]
        field.choices = groups

    def clean_to_institution(self) -> Institution | None:
        value = self.cleaned_data.get("to_institution") or ""
        return self._recipients.get(str(value)) if value else None


class ReferralAnswerForm(forms.Form):
    """The receiving institution's answer to a referral."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (ReferralStatus.ACKNOWLEDGED.value, ReferralStatus.ACKNOWLEDGED.label),
            (ReferralStatus.CLOSED.value, ReferralStatus.CLOSED.label),
        ],
    )
    response = forms.CharField(
        label=_("Answer"),
        required=False,
        max_length=MAX_REASON_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WatchForm(forms.Form):
    """Watch an operation (its key), a phone (E.164) or a handle (``platform:value``)."""

    kind = forms.ChoiceField(label=_("Watch"), choices=WatchKind.choices)
    value = forms.CharField(label=_("Value"), max_length=200)
