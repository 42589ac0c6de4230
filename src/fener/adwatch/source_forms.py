"""Forms of the sources and uploads pages. They check shape; the services make the changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fener.adwatch.models import Arrival, FeedFormat, Platform
from fener.adwatch.services.sources import MAX_TOKEN_DAYS
from fener.adwatch.uploads import FIELDS

FIELD_LABELS = {
    "text": _("Text of the ad"),
    "id": _("The ad's id at the source"),
    "url": _("Address (URL) of the ad"),
    "posted_at": _("Date and time posted"),
    "lang": _("Language code"),
}


class SourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    country = forms.CharField(
        label=_("Country (ISO code)"), max_length=2, initial="MK", help_text=_("For example MK.")
    )
    language = forms.CharField(
        label=_("Language"),
        max_length=5,
        required=False,
        help_text=_("The usual language of its ads, e.g. mk, sq or en (optional)."),
    )
    arrival = forms.ChoiceField(
        label=_("How ads arrive"),
        choices=[(value, label) for value, label in Arrival.choices if value != Arrival.PUBLIC],
    )
    feed_url = forms.URLField(
        label=_("Feed address"),
        required=False,
        assume_scheme="https",
        help_text=_("Only for feeds: the address of the RSS, Atom or JSON feed."),
    )
    feed_format = forms.ChoiceField(
        label=_("Feed format"),
        choices=[("", "—"), *FeedFormat.choices],
        required=False,
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class SourceTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=120,
        help_text=_("Who or what will use it, e.g. the partner's crawler."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=MAX_TOKEN_DAYS, initial=90
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV with a header line, or JSON Lines (one object per line), in UTF-8; "
            "at most 20 MB and 100,000 rows."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.jsonl,.ndjson"}),
    )


class UploadMappingForm(forms.Form):
    """For each of Fener's fields, the column of the file that feeds it."""

    def __init__(self, *args: Any, columns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not used —")), *((column, column) for column in columns)]
        for name in FIELDS:
            self.fields[name] = forms.ChoiceField(
                label=FIELD_LABELS[name], choices=choices, required=name == "text"
            )
        self.fields["text"].error_messages["required"] = _(
            "Choose the column that holds the text of the ads."
        )

    def mapping(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in FIELDS}
