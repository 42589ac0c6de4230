"""REST API, version 1. Thin: every read goes through selectors, every write through services."""
