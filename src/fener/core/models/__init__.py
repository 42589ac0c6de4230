"""Core models: places, institutions, roles, accounts and the audit log."""

from fener.core.models.audit import AuditEvent
from fener.core.models.institutions import Institution, InstitutionType, Municipality
from fener.core.models.users import Role, User

__all__ = ["AuditEvent", "Institution", "InstitutionType", "Municipality", "Role", "User"]
