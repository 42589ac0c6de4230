"""Normalising what people type or import for an entity, per kind, and its blind index.

A phone becomes E.164, an e-mail and a handle lose case and decoration, an IBAN is validated and
written without spaces, other account numbers keep their letters and digits; names, addresses
and plates are compared without case, accents, punctuation or extra spaces (Cyrillic and Latin
spellings of a name are matched later, as merge suggestions, never silently).
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from fener.analytics.graph.resolution import (
    email_normalise,
    handle_normalise,
    iban_normalise,
    phone_e164,
)
from fener.cases.vault import blind_index
from fener.network.models import Entity, EntityKind

MAX_VALUE = 300
_ACCOUNT = re.compile(r"^[A-Z0-9][A-Z0-9/.\-]{0,62}$")


class ValueRefused(ValueError):
    """The value cannot stand for an entity of that kind; the message says why."""


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", folded).split())


def normalise(kind: str, text: str) -> tuple[str, str]:
    """(normalised value, label to show) for ``text`` as an entity of ``kind``.

    Raises :class:`ValueRefused` with a message a person can act on.
    """
    value = " ".join(str(text).split())
    if not value:
        raise ValueRefused(_("Enter a value."))
    if len(value) > MAX_VALUE:
        raise ValueRefused(
            _("The value is longer than %(limit)s characters.") % {"limit": MAX_VALUE}
        )
    if kind == EntityKind.PHONE:
        phone = phone_e164(value)
        if phone is None:
            raise ValueRefused(_("This is not a valid phone number."))
        return phone, phone
    if kind == EntityKind.EMAIL:
        email = email_normalise(value)
        if email is None:
            raise ValueRefused(_("This is not a valid e-mail address."))
        return email, email
    if kind == EntityKind.HANDLE:
        handle = handle_normalise(value)
        if handle is None:
            raise ValueRefused(_("This is not a valid online handle."))
        return handle, value
    if kind == EntityKind.ACCOUNT:
        return account_key(value), account_label(value)
    if kind in {EntityKind.AD, EntityKind.CASE}:
        return value.upper(), value
    if kind == EntityKind.VEHICLE:
        plate = re.sub(r"[^0-9A-ZА-ШЃЅЈЉЊЌЏ]", "", value.upper())
        if not plate:
            raise ValueRefused(_("A registration plate needs letters or digits."))
        return plate, value.upper()
    if kind in EntityKind.values:
        plain = _plain(value)
        if not plain:
            raise ValueRefused(_("Enter letters or digits."))
        return plain, value
    raise ValueRefused(_("Unknown kind of entity."))


def account_key(text: str) -> str:
    """An account number as compared: a valid IBAN in its electronic form, else letters and
    digits upper-cased (bank-internal numbers, simulated accounts)."""
    iban = iban_normalise(text)
    if iban is not None:
        return iban
    compact = re.sub(r"\s+", "", str(text)).upper()
    if not _ACCOUNT.match(compact):
        raise ValueRefused(_("An account number has letters, digits, and at most / . -"))
    if len(compact) >= 15 and compact[:2].isalpha() and compact[2:4].isdigit():
        raise ValueRefused(_("This looks like an IBAN but its check digits are wrong."))
    return compact


def account_label(text: str) -> str:
    iban = iban_normalise(text)
    if iban is not None:
        return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    return re.sub(r"\s+", "", str(text)).upper()


def entity_key(kind: str, normalised: str) -> str:
    """The blind index that finds an entity again without storing its value readably."""
    return blind_index("network", kind, normalised)


def rekey_entities() -> None:
    """After a key rotation: recompute every entity's blind index with the new key from its
    (re-encrypted) label, which normalises to the same value. Erased entities keep theirs."""
    for entity in (
        Entity.objects.only("pk", "kind", "key", "label")
        .exclude(key__startswith="erased-")
        .iterator(chunk_size=500)
    ):
        try:
            normalised, _label = normalise(entity.kind, entity.label)
        except ValueRefused:
            continue
        key = entity_key(entity.kind, normalised)
        if key != entity.key:
            # Only if nobody saved meanwhile (a new save computes its own key).
            Entity.objects.filter(pk=entity.pk, key=entity.key).update(key=key)
