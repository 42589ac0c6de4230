"""Forms of the network pages: they check shape only; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fener.network.importing import FIELDS
from fener.network.models import EntityKind, LinkType, MemberRole

_FIELD_LABELS = {
    "reference": _("Transfer reference (optional: the line number otherwise)"),
    "source": _("Paying account"),
    "target": _("Receiving account"),
    "amount": _("Amount"),
    "timestamp": _("Date and time"),
}
CURRENCIES = [(c, c) for c in ("EUR", "MKD", "USD", "CHF", "GBP", "ALL", "RSD", "BGN", "TRY")]


class InvestigationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Stored encrypted; seen only by the team."),
    )


class EntityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(v, label) for v, label in EntityKind.choices if v not in {"ad", "case"}],
    )
    value = forms.CharField(
        label=_("Name, number or address"),
        max_length=300,
        help_text=_("Phones are written in the international form; IBANs are checked."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LinkForm(forms.Form):
    source = forms.TypedChoiceField(label=_("From"), coerce=int)
    type = forms.ChoiceField(
        label=_("Link"), choices=[c for c in LinkType.choices if c[0] != "paid"]
    )
    target = forms.TypedChoiceField(label=_("To"), coerce=int)
    confidence = forms.FloatField(
        label=_("Confidence (0 to 1)"), min_value=0, max_value=1, initial=1.0
    )
    occurred_at = forms.DateTimeField(
        label=_("When (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, entity_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = entity_choices  # type: ignore[attr-defined]
        self.fields["target"].choices = entity_choices  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role on the team"), choices=MemberRole.choices)


class CaseLinkForm(forms.Form):
    case_code = forms.CharField(
        label=_("Case code"), max_length=20, help_text=_("For example FN-2026-AB12CD")
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file of transfers"))


class MappingForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency of the amounts"), choices=CURRENCIES)

    def __init__(self, *args: Any, columns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *[(column, column) for column in columns]]
        for field in FIELDS:
            self.fields[field] = forms.ChoiceField(
                label=_FIELD_LABELS[field], choices=choices, required=False
            )

    def mapping(self) -> dict[str, str]:
        return {field: self.cleaned_data.get(field) or "" for field in FIELDS}


class AnalysisForm(forms.Form):
    window_days = forms.FloatField(
        label=_("Time window (days)"), min_value=0.01, max_value=366, initial=7
    )
    threshold = forms.DecimalField(
        label=_("Reporting threshold (structuring stays under it)"),
        min_value=Decimal(1),
        max_digits=18,
        decimal_places=2,
        initial=Decimal(15000),
    )
