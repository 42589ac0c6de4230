"""REST API v1 of case management, mounted under ``/api/v1/``.

Thin, like the pages: serializers check the shape of the input, the views hand it to the same
selectors and services, so the same gatekeeper decides. A case or referral the caller may not
see answers 404 exactly like a missing one; one they may see but not act on answers 403.

Errors a client can act on:

* 400 with ``{field: [messages]}`` for bad input (``__all__`` names the input as a whole);
* 409 Conflict with ``{"detail": message, "code": code}`` when the request is well formed but
  the record's state refuses it, ``code`` being one of ``stale_edit`` (someone saved since the
  ``version`` sent: nothing was written, fetch the case again), ``consent_required`` (no consent
  in force and no lawful override), ``child_safeguard_missing`` (a child's guardian or
  best-interests assessment is missing) or ``wrong_state`` (for example answering a revoked
  referral).

Identity data never appear in a list or a detail: ``POST /cases/{code}/identity/`` returns them
for a stated purpose, audited, with ``Cache-Control: no-store``.
"""
