"""Every write in the core app. Each service checks access through the gatekeeper, makes its
change and its audit row in one transaction, and queues follow-up work on commit."""
