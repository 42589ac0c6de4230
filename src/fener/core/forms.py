"""Forms for the core pages. They validate input; services make the changes."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fener.core.models import Institution, InstitutionType, Municipality, Role
from fener.core.services.authentication import MAX_TOKEN_DAYS


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form, field by field where it can."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class InstitutionForm(forms.Form):
    key = forms.SlugField(label=_("Short identifier"), max_length=60)
    type = forms.ChoiceField(label=_("Type"), choices=InstitutionType.choices)
    name_mk = forms.CharField(label=_("Name in Macedonian"), max_length=200)
    name_sq = forms.CharField(label=_("Name in Albanian"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.all(), required=False
    )
    country = forms.CharField(label=_("Country (ISO code)"), max_length=2, initial="MK")
    parent = forms.ModelChoiceField(
        label=_("Part of"), queryset=Institution.objects.all(), required=False
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_country(self) -> str:
        country = str(self.cleaned_data["country"]).upper()
        if len(country) != 2 or not country.isalpha():
            raise ValidationError(_("Use the two-letter country code, e.g. MK."))
        return country


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"))
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.all())
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"), queryset=Role.objects.all(), widget=forms.CheckboxSelectMultiple
    )


class UserEditForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"))
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.all())


class UserRolesForm(forms.Form):
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"),
        queryset=Role.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class RoleForm(forms.Form):
    requires_two_factor = forms.BooleanField(label=_("Require two-factor log-in"), required=False)
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, permission_choices: list[tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["permissions"].choices = permission_choices  # type: ignore[attr-defined]


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label=_("Current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object] | None:
        data = super().clean()
        if data and data.get("new_password") != data.get("new_password_again"):
            raise ValidationError(_("The two new passwords differ."))
        return data


class LanguageForm(forms.Form):
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class ApiTokenForm(forms.Form):
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=MAX_TOKEN_DAYS, initial=90
    )


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("User"), required=False)
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.all(), required=False
    )
    action = forms.CharField(label=_("Action"), required=False)
    target_type = forms.CharField(label=_("Record type"), required=False)
    target_id = forms.CharField(label=_("Record id"), required=False)
    request_id = forms.CharField(label=_("Request id"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
