"""Every write of the network module: keyword-only, one transaction, gatekeeper, audit row."""
