"""Forms of the main case pages. They check the shape of the input; the services decide.

Vocabulary checks, age ranges, dates in the future and country codes are the services' job
(:mod:`fener.cases.services`), so the same rules hold for the web pages and the API; a form
turns text into the values a service takes and shows the service's messages on its fields.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fener.cases.models import DocumentKind, Screening
from fener.cases.services.identity import IdentityInput
from fener.cases.vocabulary import (
    CaseStatus,
    ClosureReason,
    ControlMethod,
    Industry,
    PerpetratorRole,
    ReadPurpose,
    RecruitmentMethod,
    RecruitmentPlatform,
    Relationship,
    Sex,
    SexExploitationType,
    TeamRole,
    TraffickingStatus,
)
from fener.core.access import has_permission
from fener.core.models import Municipality, User

WORK = "cases.work_on_cases"


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


def _checkboxes(label: Any, choices: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class CaseProfileForm(forms.Form):
    """The pseudonymous profile of a case (no identity data: that is the identity page)."""

    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    age_at_registration = forms.IntegerField(label=_("Age at registration"), required=False)
    age_when_trafficked = forms.IntegerField(label=_("Age when trafficked"), required=False)
    is_child = forms.BooleanField(
        label=_("The person is a child (tick when the age is not known)"), required=False
    )
    citizenship = forms.CharField(
        label=_("Citizenship"),
        required=False,
        max_length=100,
        help_text=_("Two-letter ISO country codes separated by commas, for example MK, AL."),
    )
    primary_language = forms.CharField(
        label=_("Primary language"),
        required=False,
        max_length=3,
        help_text=_("ISO 639 code, for example mk, sq, ro."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality of residence"),
        queryset=Municipality.objects.all(),
        required=False,
    )
    exploitation_forms = _checkboxes(_("Forms of exploitation"), [])
    forced_labour_industry = forms.ChoiceField(
        label=_("Forced-labour industry (ISIC)"),
        choices=_blank(_("Not applicable or unknown")) + Industry.choices,
        required=False,
    )
    sex_exploitation_types = _checkboxes(
        _("Types of sexual exploitation"), SexExploitationType.choices
    )
    exploitation_country = forms.CharField(
        label=_("Country of exploitation (ISO code)"), required=False, max_length=2
    )
    exploitation_municipality = forms.ModelChoiceField(
        label=_("Municipality of exploitation"),
        queryset=Municipality.objects.all(),
        required=False,
    )
    recruitment_methods = _checkboxes(_("How the person was recruited"), RecruitmentMethod.choices)
    recruitment_platforms = _checkboxes(_("Platforms used to recruit"), RecruitmentPlatform.choices)
    recruitment_country = forms.CharField(
        label=_("Country of recruitment (ISO code)"), required=False, max_length=2
    )
    control_methods = _checkboxes(_("Methods of control"), ControlMethod.choices)
    relationship_to_trafficker = forms.ChoiceField(
        label=_("Relationship to the trafficker"),
        choices=_blank(_("Not known")) + Relationship.choices,
        required=False,
    )

    def __init__(self, *args: Any, form_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exploitation_forms"].choices = form_choices  # type: ignore[attr-defined]

    def clean_citizenship(self) -> list[str]:
        text = str(self.cleaned_data.get("citizenship") or "")
        return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]

    def profile_changes(self) -> dict[str, Any]:
        """The cleaned values as the case services take them.

        ``is_child`` follows the age when an age is given (the service derives it); the tick
        box only speaks when the age is not known.
        """
        data = self.cleaned_data
        names = [
            "sex",
            "age_at_registration",
            "age_when_trafficked",
            "citizenship",
            "primary_language",
            "municipality",
            "forced_labour_industry",
            "sex_exploitation_types",
            "exploitation_country",
            "exploitation_municipality",
            "recruitment_methods",
            "recruitment_platforms",
            "recruitment_country",
            "control_methods",
            "relationship_to_trafficker",
            "exploitation_forms",
        ]
        changes = {name: data[name] for name in names}
        if data["age_at_registration"] is None:
            changes["is_child"] = bool(data["is_child"])
        return changes


class CaseOpenForm(CaseProfileForm):
    registered_on = forms.DateField(
        label=_("Registered on"), widget=_date_input(), initial=timezone.localdate
    )
    field_order = ["registered_on"]


class CaseEditForm(CaseProfileForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CaseFilterForm(forms.Form):
    """Filters of the case list (a GET form: every field optional)."""

    q = forms.CharField(label=_("Case code"), required=False, max_length=20)
    status = forms.ChoiceField(
        label=_("Case status"),
        choices=_blank(_("All statuses")) + CaseStatus.choices,
        required=False,
    )
    trafficking_status = forms.ChoiceField(
        label=_("Trafficking status"),
        choices=_blank(_("All")) + TraffickingStatus.choices,
        required=False,
    )
    child = forms.ChoiceField(
        label=_("Children"),
        choices=[
            ("", _("Children and adults")),
            ("yes", _("Children only")),
            ("no", _("Adults only")),
        ],
        required=False,
    )


class StatusDecisionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    decided_on = forms.DateField(
        label=_("Decided on"), widget=_date_input(), initial=timezone.localdate
    )
    reasons = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    screening = forms.ModelChoiceField(
        label=_("Based on the screening"),
        queryset=Screening.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        statuses: list[tuple[str, Any]],
        screenings: QuerySet[Screening],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = statuses  # type: ignore[attr-defined]
        screening_field = self.fields["screening"]
        screening_field.queryset = screenings  # type: ignore[attr-defined]
        screening_field.label_from_instance = _screening_label  # type: ignore[attr-defined]


def _screening_label(screening: Screening) -> str:
    return f"{screening.interviewed_on:%Y-%m-%d} · {screening.indicator_set}"


class CaseCloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for closing"), choices=_blank("—") + ClosureReason.choices
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    closed_on = forms.DateField(
        label=_("Closed on"), widget=_date_input(), initial=timezone.localdate
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CaseReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the case is reopened"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=300,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("New note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )


class TeamAddForm(forms.Form):
    """Add a member: any active account, in any institution, whose roles allow case work."""

    user = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role on the case"), choices=_blank("—") + TeamRole.choices)

    def clean_user(self) -> User:
        username = str(self.cleaned_data["user"]).strip()
        account = User.objects.filter(
            username=username, is_active=True, institution__is_active=True
        ).first()
        # The same answer whether the account is missing or cannot work on cases: the form
        # does not tell which user names exist.
        if account is None or not has_permission(account, WORK):
            raise ValidationError(
                _("No active account with this user name can work on cases."), code="unknown"
            )
        return account


class ReadPurposeForm(forms.Form):
    """Why the user opens the identity data (written to the audit log with the read)."""

    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=_blank(_("Choose a purpose")) + ReadPurpose.choices
    )
    # No free-text detail: the audit log keeps the purpose for good (it outlives retention),
    # and free text names people.


class IdentityForm(forms.Form):
    """The identity vault of a case; lists are written one item a line."""

    given_name = forms.CharField(label=_("Given name"), required=False, max_length=200)
    family_name = forms.CharField(label=_("Family name"), required=False, max_length=200)
    other_names = forms.CharField(
        label=_("Other names and aliases"), required=False, max_length=200
    )
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=_date_input())
    identity_numbers = forms.CharField(
        label=_("Identity document numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: kind; number; country code (e.g. passport; M1234567; MK)."),
    )
    phones = forms.CharField(
        label=_("Phone numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line."),
    )
    emails = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line."),
    )
    addresses = forms.CharField(
        label=_("Addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_identity_numbers(self) -> list[dict[str, str]]:
        numbers = []
        for line in _lines(str(self.cleaned_data.get("identity_numbers") or "")):
            parts = [part.strip() for part in line.split(";")]
            if len(parts) > 3:
                raise ValidationError(
                    _("Write each number as: kind; number; country code."), code="format"
                )
            if len(parts) == 1:
                parts = ["", parts[0]]
            kind, number, country = [*parts, ""][:3]
            numbers.append({"kind": kind, "number": number, "country": country})
        return numbers

    def identity_input(self) -> IdentityInput:
        data = self.cleaned_data
        return IdentityInput(
            given_name=data["given_name"],
            family_name=data["family_name"],
            other_names=data["other_names"],
            birth_date=data["birth_date"],
            identity_numbers=data["identity_numbers"],
            phones=_lines(data["phones"]),
            emails=_lines(data["emails"]),
            addresses=_lines(data["addresses"]),
        )

    @staticmethod
    def initial_from(record: Any) -> dict[str, Any]:
        """The form's starting values from a stored identity record (``None``: empty form)."""
        if record is None:
            return {"version": None}
        birth: datetime.date | None = None
        if record.birth_date:
            birth = datetime.date.fromisoformat(record.birth_date)
        numbers = "\n".join(
            "; ".join(
                part for part in (n.get("kind", ""), n.get("number", ""), n.get("country", ""))
            )
            for n in record.identity_numbers or []
        )
        return {
            "given_name": record.given_name,
            "family_name": record.family_name,
            "other_names": record.other_names,
            "birth_date": birth,
            "identity_numbers": numbers,
            "phones": "\n".join(record.phones or []),
            "emails": "\n".join(record.emails or []),
            "addresses": "\n".join(record.addresses or []),
            "version": record.version,
        }


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PNG or JPEG photo or a PDF document."),
        allow_empty_file=True,
    )


class PerpetratorForm(forms.Form):
    """A suspected perpetrator. The identity part (name, phones, accounts, details) is shown
    only to team members who may record identity data."""

    roles = forms.MultipleChoiceField(
        label=_("Role in the trafficking process"),
        choices=PerpetratorRole.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    citizenship = forms.CharField(label=_("Citizenship (ISO code)"), max_length=2, required=False)
    relationship = forms.ChoiceField(
        label=_("Relationship to the person"),
        choices=_blank("—") + Relationship.choices,
        required=False,
    )
    name = forms.CharField(label=_("Name (stored encrypted)"), max_length=200, required=False)
    phones = forms.CharField(
        label=_("Phone numbers, one per line (stored encrypted)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    accounts = forms.CharField(
        label=_("Bank accounts (IBAN), one per line (stored encrypted)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    details = forms.CharField(
        label=_("Details (stored encrypted)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )

    IDENTITY_FIELDS = ("name", "phones", "accounts", "details")

    def __init__(self, *args: Any, may_record_identity: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_record_identity:
            for name in self.IDENTITY_FIELDS:
                del self.fields[name]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        arguments: dict[str, Any] = {
            "roles": list(data["roles"]),
            "sex": data["sex"],
            "citizenship": data.get("citizenship", ""),
            "relationship": data.get("relationship", ""),
        }
        if "name" in self.fields:
            arguments.update(
                name=data.get("name", ""),
                phones=[line for line in data.get("phones", "").splitlines() if line.strip()],
                accounts=[line for line in data.get("accounts", "").splitlines() if line.strip()],
                details=data.get("details", ""),
            )
        return arguments
