"""Which cases may still be written to."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fener.cases.models import Case
from fener.cases.services.errors import WrongState


def require_writable(case: Case, *, closed_too: bool = False) -> None:
    """Refuse writes to an anonymised case (nothing may be added after its identity was
    erased: retention would never see it) and, unless ``closed_too``, to a closed case."""
    if case.anonymised_at is not None:
        raise WrongState(_("This case has been anonymised and can no longer be changed."))
    if not closed_too and not case.is_open:
        raise WrongState(_("A closed case cannot be changed; reopen it first."))


def lock_writable(case: Case, *, closed_too: bool = False) -> None:
    """Inside the write's transaction: take the case row (a conditional ``UPDATE``, which waits
    for a retention run or a closure in progress) and refuse if the case was anonymised, or
    closed, in the meantime. :func:`require_writable` answers early; this one is the guarantee."""
    from django.utils import timezone

    from fener.cases.vocabulary import CaseStatus

    rows = Case.objects.filter(pk=case.pk, anonymised_at__isnull=True)
    if not closed_too:
        rows = rows.filter(status__in=[CaseStatus.ACTIVE, CaseStatus.FOLLOW_UP])
    if rows.update(updated_at=timezone.now()) != 1:
        raise WrongState(_("This case was closed or anonymised meanwhile; nothing was saved."))
