"""Creating the first administrator of a new installation (``fener createadmin``).

There is no acting user yet, so this is the one write that does not go through the
gatekeeper; it is audited with an empty actor and is only reachable from the shell.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from fener.core.audit import audit_record, audit_snapshot
from fener.core.models import Institution, InstitutionType, Role, User


@transaction.atomic
def create_first_administrator(
    *, username: str, email: str, institution_key: str, institution_name: str, password: str
) -> User:
    """An active account with the system administrator role, in the given institution."""
    institution = Institution.objects.filter(key=institution_key).first()
    if institution is None:
        if not institution_name:
            raise ValidationError(
                f"No institution has the key {institution_key!r}; give --institution-name "
                "to create it."
            )
        institution = Institution(
            key=institution_key,
            type=InstitutionType.MINISTRY,
            name_mk=institution_name,
            name_sq=institution_name,
            name_en=institution_name,
        )
        institution.full_clean()
        institution.save()
        audit_record(
            actor=None,
            action="institution.create",
            target=institution,
            after=audit_snapshot(institution),
        )
    user = User(username=username, email=email, institution=institution)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.roles.set([Role.objects.get(code="system_admin")])
    audit_record(
        actor=None,
        action="user.create",
        target=user,
        after={**audit_snapshot(user), "roles": ["system_admin"]},
    )
    return user
