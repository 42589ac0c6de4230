"""Writing to the identity vault: the person's names, birth date, documents and contacts.

Values are encrypted by the model fields; audit rows name the fields that changed, never their
values. Reading is in :mod:`fener.cases.selectors` (a stated purpose, audited).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fener.cases import vault
from fener.cases.models import Case, DocumentKind, IdentityDocument, IdentityRecord
from fener.cases.services.errors import CaseInputError, WrongState
from fener.cases.services.state import lock_writable, require_writable
from fener.cases.services.versioning import save_versioned, stale_edit
from fener.core.access import require
from fener.core.audit import audit_record
from fener.core.models import User

# What an uploaded document may be: checked by its first bytes, not by its name.
_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"%PDF-": "application/pdf",
}


@dataclass
class IdentityInput:
    """The identity values a form or the API gives (all optional)."""

    given_name: str = ""
    family_name: str = ""
    other_names: str = ""
    birth_date: datetime.date | None = None
    identity_numbers: list[dict[str, str]] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)


def identity_values(data: IdentityInput) -> dict[str, Any]:
    """The checked, normalised identity values (phones in E.164), or ``CaseInputError``."""
    errors: dict[str, str] = {}
    phones: list[str] = []
    for raw in data.phones:
        text = raw.strip()
        if not text:
            continue
        try:
            parsed: phonenumbers.PhoneNumber | None = phonenumbers.parse(text, "MK")
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_valid_number(parsed):
            errors["phones"] = _("“%(value)s” is not a valid phone number.") % {"value": text}
            continue
        phones.append(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    emails: list[str] = []
    for raw in data.emails:
        text = raw.strip()
        if not text:
            continue
        try:
            validate_email(text)
        except ValidationError:
            errors["emails"] = _("“%(value)s” is not a valid e-mail address.") % {"value": text}
            continue
        emails.append(text.lower())
    if data.birth_date is not None and data.birth_date > timezone.localdate():
        errors["birth_date"] = _("The date cannot be in the future.")
    numbers = []
    for item in data.identity_numbers:
        kind = str(item.get("kind", "")).strip()[:40]
        number = str(item.get("number", "")).strip()[:60]
        country = str(item.get("country", "")).strip().upper()[:2]
        if number:
            numbers.append({"kind": kind or "other", "number": number, "country": country})
    for name in ("given_name", "family_name", "other_names"):
        if len(getattr(data, name)) > 200:
            errors[name] = _("Keep it under %(limit)d characters.") % {"limit": 200}
    if errors:
        raise CaseInputError(errors)
    return {
        "given_name": data.given_name.strip(),
        "family_name": data.family_name.strip(),
        "other_names": data.other_names.strip(),
        "birth_date": data.birth_date.isoformat() if data.birth_date else "",
        "identity_numbers": numbers,
        "phones": phones,
        "emails": emails,
        "addresses": [a.strip()[:300] for a in data.addresses if a.strip()],
    }


def match_key(values: dict[str, Any]) -> str:
    """Blind index of full name and birth date (empty when either is missing)."""
    name = f"{values['given_name']} {values['family_name']}".strip()
    if not name or not values["birth_date"]:
        return ""
    return vault.blind_index(name, values["birth_date"])


def identity_save(
    *, actor: User, case: Case, data: IdentityInput, expected_version: int | None = None
) -> IdentityRecord:
    """Create or change the identity record. Changing needs the version the user started from."""
    require(actor, "change_identity", case)
    require_writable(case, closed_too=True)
    if case.anonymised_at is not None:
        raise WrongState(_("This case has been anonymised: its identity data were erased."))
    values = identity_values(data)
    key = match_key(values)
    with transaction.atomic():
        lock_writable(case, closed_too=True)
        record = IdentityRecord.objects.filter(case=case).first()
        if record is None:
            try:
                with transaction.atomic():
                    record = IdentityRecord.objects.create(case=case, match_key=key, **values)
            except IntegrityError:
                # Two first saves at the same moment: the other one won.
                raise stale_edit() from None
            changed = sorted(name for name, value in values.items() if value)
        else:
            if expected_version is None:
                raise CaseInputError({"__all__": _("Say which version of the record you changed.")})
            changed = sorted(
                name for name, value in values.items() if getattr(record, name) != value
            )
            save_versioned(
                record, expected_version=expected_version, fields={**values, "match_key": key}
            )
        audit_record(
            actor=actor,
            action="cases.identity_save",
            target=case,
            after={"changed_fields": changed},
        )
    return record


def document_add(
    *, actor: User, case: Case, kind: str, filename: str, content: bytes
) -> IdentityDocument:
    """Store a photo or scanned document, encrypted. PNG, JPEG or PDF only, checked by content."""
    require(actor, "change_identity", case)
    require_writable(case, closed_too=True)
    if case.anonymised_at is not None:
        raise WrongState(_("This case has been anonymised: its identity data were erased."))
    if kind not in DocumentKind.values:
        raise CaseInputError({"kind": _("Choose what kind of document this is.")})
    if not content:
        raise CaseInputError({"file": _("The file is empty.")})
    limit = settings.FENER_DOCUMENT_MAX_BYTES
    if len(content) > limit:
        raise CaseInputError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": round(limit / 1048576, 1)}}
        )
    content_type = next((t for sig, t in _SIGNATURES.items() if content.startswith(sig)), None)
    if content_type is None:
        raise CaseInputError({"file": _("Only PNG or JPEG photos and PDF documents are accepted.")})
    name = (filename or "document").replace("/", "_").replace("\\", "_").strip()[:200] or "document"
    with transaction.atomic():
        lock_writable(case, closed_too=True)
        document = IdentityDocument.objects.create(
            case=case,
            kind=kind,
            filename=name,
            content_type=content_type,
            content=content,
            size=len(content),
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action="cases.document_add",
            target=case,
            after={"document": document.pk, "kind": kind, "size": len(content)},
        )
    return document
