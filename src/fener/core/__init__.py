"""Core: institutions, accounts, roles, the permission gatekeeper and the audit log."""
