"""Flood limits for the public pages: a fixed-window counter per client address.

Only the work that costs something is counted (a check runs the engine, a report writes to
the review queue). One client over its limit is answered 429; other addresses and the rest of
the site keep their own counters. The address is replaced by a keyed hash (HMAC with the
secret key) before it becomes a key, so the counters never hold visitors' addresses.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest

from fener.adwatch.models import FloodCounter
from fener.core.api.throttling import hashed_client


@dataclass(frozen=True)
class Limit:
    """At most ``count`` requests per ``seconds`` from one address, for one ``scope``."""

    scope: str
    count: int
    seconds: int


def check_limit() -> Limit:
    """Checks on the public page (default 30 a minute; ``FENER_PUBLIC_CHECKS_PER_MINUTE``)."""
    return Limit("check", getattr(settings, "FENER_PUBLIC_CHECKS_PER_MINUTE", 30), 60)


def report_limit() -> Limit:
    """Reports of an ad (default 5 an hour; ``FENER_PUBLIC_REPORTS_PER_HOUR``)."""
    return Limit("report", getattr(settings, "FENER_PUBLIC_REPORTS_PER_HOUR", 5), 3600)


def allow(limit: Limit, request: HttpRequest) -> bool:
    """Count this request against ``limit``; False once the address is over it.

    A request already over the limit is refused with one read and no write, so a flood never
    competes for the database's write lock with the rest of the site.
    """
    now = time.time()
    window = int(now // limit.seconds)
    key = f"{limit.scope}:{window}:{hashed_client(request)}"
    counted = FloodCounter.objects.filter(key=key).values_list("count", flat=True).first()
    if counted is not None and counted >= limit.count:
        return False
    with transaction.atomic():
        # An UPDATE … SET count = count + 1 is atomic in the database: concurrent requests
        # (threads or processes) never lose a count, unlike a cache's read-then-write.
        if not FloodCounter.objects.filter(key=key).update(count=F("count") + 1):
            expires = datetime.fromtimestamp((window + 1) * limit.seconds, tz=UTC)
            try:
                with transaction.atomic():
                    FloodCounter.objects.create(key=key, count=1, expires_at=expires)
            except IntegrityError:  # another request created it a moment ago
                FloodCounter.objects.filter(key=key).update(count=F("count") + 1)
            # Windows that have ended are forgotten when a new one begins.
            ended = datetime.fromtimestamp(now, tz=UTC)
            FloodCounter.objects.filter(expires_at__lt=ended).exclude(key=key).delete()
        count = FloodCounter.objects.filter(key=key).values_list("count", flat=True).first()
    return (count or 1) <= limit.count


def retry_after(limit: Limit) -> int:
    """Seconds until the current window ends."""
    return limit.seconds - int(time.time()) % limit.seconds
