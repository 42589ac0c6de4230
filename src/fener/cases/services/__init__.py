"""Every write of case management: keyword-only, one transaction, gatekeeper check, audit row."""
