"""Links that arrive from the other modules: phones, e-mails and handles from ads, and
suspected perpetrators' phones and accounts from victim cases.

Both go through the gatekeeper of the module that holds the data: only ads the user may see
are searched, and a case's perpetrators are read only by a user who may read that case's
identity data (an active team member with ``cases.read_identity``) and who may bring case
data into the investigation (``network.link_case_data``). Every such look-up is audited on
the case as a read with its purpose, and on the investigation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fener.adwatch.models import Ad, AdContact, ContactKind
from fener.cases.models import Case
from fener.core.access import get_visible, require, restrict
from fener.core.audit import audit_read, audit_record
from fener.core.models import User
from fener.network.models import Entity, EntityKind, Investigation, LinkType, Origin
from fener.network.services.entities import ensure_entity, ensure_link
from fener.network.values import ValueRefused

MAX_ADS = 50
_CONTACT_KIND = {
    EntityKind.PHONE: ContactKind.PHONE,
    EntityKind.EMAIL: ContactKind.EMAIL,
    EntityKind.HANDLE: ContactKind.HANDLE,
}
_ENTITY_KIND = {value: key for key, value in _CONTACT_KIND.items()}


@dataclass(frozen=True)
class Brought:
    """What a look-up added: entities and links new to the investigation, and what it found."""

    found: int
    entities: int
    links: int


def _ad_contacts(entity: Entity) -> list[AdContact]:
    kind = _CONTACT_KIND[EntityKind(entity.kind)]
    contacts = AdContact.objects.filter(kind=kind)
    if kind == ContactKind.HANDLE:
        name = entity.label.strip().lstrip("@").casefold()
        return [
            c
            for c in contacts.filter(value__iendswith=f":{name}")
            if c.value.split(":", 1)[-1].casefold() == name
        ]
    return list(contacts.filter(value=entity.label))


@transaction.atomic
def entity_find_in_ads(*, actor: User, entity: Entity) -> Brought:
    """Find the ads that carry this phone, e-mail or handle (among the ads the user may see),
    and add each ad and its other contacts to the investigation, linked."""
    investigation = entity.investigation
    require(actor, "change", investigation)
    if entity.kind not in _CONTACT_KIND:
        raise ValidationError(_("Only phones, e-mails and handles can be looked up in ads."))
    visible_ads = restrict(Ad.objects.all(), actor, "view")
    ad_ids = [c.ad_id for c in _ad_contacts(entity)]
    ads = list(visible_ads.filter(pk__in=ad_ids).order_by("-risk", "-last_seen")[:MAX_ADS])
    entities = links = 0
    for ad in ads:
        ad_entity, created = ensure_entity(
            actor=actor,
            investigation=investigation,
            kind=EntityKind.AD,
            value=f"AD-{ad.pk}",
            origin=Origin.ADS,
            origin_ref=str(ad.pk),
        )
        entities += created
        links += ensure_link(
            actor=actor,
            investigation=investigation,
            source=entity,
            target=ad_entity,
            type=LinkType.APPEARS_IN,
            origin=Origin.ADS,
            occurred_at=ad.posted_at or ad.first_seen,
        )[1]
        for contact in ad.contacts.all():
            kind = _ENTITY_KIND[ContactKind(contact.kind)]
            value = contact.value.split(":", 1)[-1] if kind == EntityKind.HANDLE else contact.value
            try:
                other, created = ensure_entity(
                    actor=actor,
                    investigation=investigation,
                    kind=kind,
                    value=value,
                    origin=Origin.ADS,
                    origin_ref=str(ad.pk),
                )
            except ValueRefused:
                continue
            entities += created
            if other.pk != entity.pk:
                links += ensure_link(
                    actor=actor,
                    investigation=investigation,
                    source=other,
                    target=ad_entity,
                    type=LinkType.APPEARS_IN,
                    origin=Origin.ADS,
                    occurred_at=ad.posted_at or ad.first_seen,
                )[1]
    audit_record(
        actor=actor,
        action="network.ads.lookup",
        target=entity,
        after={"ads": [ad.pk for ad in ads], "entities": entities, "links": links},
    )
    return Brought(found=len(ads), entities=entities, links=links)


@transaction.atomic
def case_perpetrators_bring(
    *, actor: User, investigation: Investigation, case_code: str
) -> Brought:
    """Add a case's suspected perpetrators (name, phones, accounts) to the investigation, each
    linked to the case (known only by its pseudonymous code). Refused like a missing case when
    the user may not read the case's identity data."""
    require(actor, "link_case_data", investigation)
    code = str(case_code).strip().upper()
    if not code:
        raise ValidationError({"case_code": _("Enter a case code.")})
    case = get_visible(Case.objects.all(), actor, "read_identity", code=code)
    case_entity, created = ensure_entity(
        actor=actor,
        investigation=investigation,
        kind=EntityKind.CASE,
        value=case.code,
        origin=Origin.CASES,
        origin_ref=case.code,
    )
    entities, links = int(created), 0
    perpetrators = list(case.perpetrators.order_by("pk"))
    for perpetrator in perpetrators:
        unnamed = _("Unnamed suspect %(number)s of %(case)s") % {
            "number": perpetrator.pk,
            "case": case.code,
        }
        try:
            person, created = ensure_entity(
                actor=actor,
                investigation=investigation,
                kind=EntityKind.PERSON,
                value=perpetrator.name.strip() or unnamed,
                origin=Origin.CASES,
                origin_ref=case.code,
            )
        except ValueRefused:  # a name of signs only ("?"): the suspect is still brought in
            person, created = ensure_entity(
                actor=actor,
                investigation=investigation,
                kind=EntityKind.PERSON,
                value=unnamed,
                origin=Origin.CASES,
                origin_ref=case.code,
            )
        entities += created
        links += ensure_link(
            actor=actor,
            investigation=investigation,
            source=person,
            target=case_entity,
            type=LinkType.SUSPECT_IN,
            origin=Origin.CASES,
        )[1]
        for kind, values, link_type in (
            (EntityKind.PHONE, perpetrator.phones or [], LinkType.USES),
            (EntityKind.ACCOUNT, perpetrator.accounts or [], LinkType.OWNS),
        ):
            for value in values:
                try:
                    item, created = ensure_entity(
                        actor=actor,
                        investigation=investigation,
                        kind=kind,
                        value=str(value),
                        origin=Origin.CASES,
                        origin_ref=case.code,
                    )
                except ValueRefused:
                    continue
                entities += created
                links += ensure_link(
                    actor=actor,
                    investigation=investigation,
                    source=person,
                    target=item,
                    type=link_type,
                    origin=Origin.CASES,
                )[1]
    audit_read(actor=actor, target=case, purpose=f"legal: network investigation {investigation.pk}")
    audit_record(
        actor=actor,
        action="network.cases.bring",
        target=investigation,
        after={
            "case": case.code,
            "perpetrators": len(perpetrators),
            "entities": entities,
            "links": links,
        },
    )
    return Brought(found=len(perpetrators), entities=entities, links=links)
