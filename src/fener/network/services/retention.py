"""Erasing the network's copies of a victim case's identity data when the case is anonymised.

Suspected perpetrators brought in from a case (their names, phones and accounts, and the case's
own entity) carry the case's code as their origin. When the case's retention period ends, the
cases module anonymises it and calls :func:`erase_case_copies` in the same transaction: the
labels and notes of those entities are erased and their blind-index key is replaced, so the value
can neither be read nor found again. The entities and their links stay (the investigation's
structure is the police's record), shown as erased.
"""

from __future__ import annotations

from fener.cases.models import Case
from fener.core.audit import audit_record
from fener.network.models import Entity, Origin

ERASED = "—"


def erase_case_copies(case: Case) -> None:
    entities = list(
        Entity.objects.filter(origin=Origin.CASES, origin_ref=case.code).exclude(
            key__startswith="erased-"
        )
    )
    for entity in entities:
        Entity.objects.filter(pk=entity.pk).update(
            label=ERASED, note="", merge_evidence="", key=f"erased-{entity.pk}"
        )
    if entities:
        audit_record(
            actor=None,
            action="network.cases.erase",
            target=case,
            after={"entities": len(entities)},
            purpose="retention schedule",
        )
