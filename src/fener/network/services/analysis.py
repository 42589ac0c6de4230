"""Running the networks engine on an investigation (a background task) and keeping its result.

The money analysis (:func:`fener.analytics.graph.pipeline.analyze`) runs on the transfers
between accounts: typology flags with their proving transfers, communities, ranked accounts. The
organisers' ranking runs on the whole investigation graph: every link (weighted by its
confidence) and every pair of accounts that exchanged money (weighted by ``1 + log10(1 +
total)``), so people and companies who hold or use flagged accounts, or sit between groups,
come up. Merged entities count as the entity they were merged into. The result stores entity
ids and transfer references, never names.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fener.analytics.graph.analysis import communities, key_players
from fener.analytics.graph.model import Transaction, TransactionSet
from fener.analytics.graph.pipeline import analyze
from fener.core.access import allowed, require
from fener.core.audit import audit_record
from fener.core.models import User
from fener.network.models import (
    AnalysisRun,
    AnalysisStatus,
    Entity,
    Investigation,
    Link,
    Transfer,
)

logger = logging.getLogger(__name__)

DAY = 86_400.0
MAX_LISTED_ACCOUNTS = 300
MAX_COMMUNITIES = 30
MAX_ORGANISERS = 50


@transaction.atomic
def analysis_request(
    *, actor: User, investigation: Investigation, window_days: float, threshold: Decimal
) -> AnalysisRun:
    """Queue a run; the caller enqueues ``fener.network.tasks.analysis_execute`` after commit."""
    require(actor, "change", investigation)
    errors = {}
    if not isinstance(window_days, int | float) or not 0.01 <= float(window_days) <= 366:
        errors["window_days"] = _("The window is from 0.01 to 366 days.")
    if not isinstance(threshold, Decimal) or not Decimal(1) <= threshold < Decimal("1e15"):
        errors["threshold"] = _("The reporting threshold is a positive amount.")
    if errors:
        raise ValidationError(errors)
    Investigation.objects.select_for_update().get(pk=investigation.pk)  # one request at a time
    if AnalysisRun.objects.filter(
        investigation=investigation, status__in=[AnalysisStatus.QUEUED, AnalysisStatus.RUNNING]
    ).exists():
        raise ValidationError(_("An analysis of this investigation is already running."))
    run = AnalysisRun.objects.create(
        investigation=investigation,
        requested_by=actor,
        window_days=float(window_days),
        threshold=threshold,
    )
    audit_record(
        actor=actor,
        action="network.analysis.request",
        target=investigation,
        after={"analysis": run.pk, "window_days": run.window_days, "threshold": str(threshold)},
    )
    return run


def canonical_ids(investigation: Investigation) -> dict[int, int]:
    """Entity id → the id it stands for (itself, or the entity it was merged into)."""
    return {
        pk: merged or pk
        for pk, merged in Entity.objects.filter(investigation=investigation).values_list(
            "pk", "merged_into_id"
        )
    }


def transaction_set(
    investigation: Investigation, canon: dict[int, int] | None = None
) -> TransactionSet:
    """The investigation's transfers as the engine's columns (accounts named by entity id)."""
    canon = canon if canon is not None else canonical_ids(investigation)
    rows = Transfer.objects.filter(investigation=investigation).values_list(
        "reference", "source_id", "target_id", "amount", "occurred_at"
    )
    return TransactionSet.from_records(
        Transaction(
            reference,
            str(canon.get(source, source)),
            str(canon.get(target, target)),
            float(amount),
            moment.timestamp(),
        )
        for reference, source, target, amount, moment in rows.iterator(chunk_size=5_000)
    )


def _organisers(
    investigation: Investigation,
    canon: dict[int, int],
    transactions: TransactionSet,
    flagged: dict[str, list[str]],
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Key players over links and money; the money comes from the transfers already read (with
    merges applied), not from a second read of the database."""
    weights: defaultdict[tuple[str, str], float] = defaultdict(float)
    for source, target, confidence in Link.objects.filter(investigation=investigation).values_list(
        "source_id", "target_id", "confidence"
    ):
        a, b = str(canon.get(source, source)), str(canon.get(target, target))
        if a != b:
            weights[(a, b)] += max(float(confidence), 0.01)
    money: defaultdict[tuple[str, str], float] = defaultdict(float)
    ids = transactions.account_ids
    for source_code, target_code, amount in zip(
        transactions.sources.tolist(),
        transactions.targets.tolist(),
        transactions.amounts.tolist(),
        strict=True,
    ):
        if source_code != target_code:
            money[(ids[source_code], ids[target_code])] += amount
    for pair, total in money.items():
        weights[pair] += 1 + math.log10(1 + total)
    edges = [(a, b, w) for (a, b), w in weights.items()]
    if not edges:
        return [], {}
    groups = communities(edges, seed=0)
    neighbours: defaultdict[str, set[str]] = defaultdict(set)
    for a, b, _w in edges:
        neighbours[a].add(b)
        neighbours[b].add(a)
    players = key_players(edges, communities=groups)
    organisers = [
        {
            "entity": int(player.account),
            "rank": player.rank,
            "pagerank": round(player.pagerank, 6),
            "betweenness": round(player.betweenness, 6),
            "broker_score": player.broker_score,
            "community": player.community,
            "flagged_neighbours": sorted(
                int(n) for n in neighbours[player.account] if n in flagged
            ),
        }
        for player in players[:MAX_ORGANISERS]
    ]
    return organisers, groups


def analysis_execute(*, run_id: int) -> AnalysisRun | None:
    """The task's work: run the engine and store its result. ``None`` if not queued."""
    claimed = AnalysisRun.objects.filter(pk=run_id, status=AnalysisStatus.QUEUED).update(
        status=AnalysisStatus.RUNNING
    )
    if not claimed:
        return None
    run = AnalysisRun.objects.select_related("investigation", "requested_by").get(pk=run_id)
    try:
        if run.requested_by is None or not allowed(run.requested_by, "change", run.investigation):
            raise PermissionError("the requester may no longer work on the investigation")
        result = _analyse(run)
    except Exception as error:
        logger.exception("Analysis %s failed", run_id)
        # The details go to the log; the page says only what kind of failure it was.
        return _finish(run, AnalysisStatus.FAILED, {}, type(error).__name__)
    return _finish(run, AnalysisStatus.DONE, result, "")


def _analyse(run: AnalysisRun) -> dict[str, Any]:
    investigation = run.investigation
    canon = canonical_ids(investigation)
    transactions = transaction_set(investigation, canon)
    accounts: list[dict[str, Any]] = []
    flag_counts: defaultdict[str, int] = defaultdict(int)
    flagged: dict[str, list[str]] = {}
    if len(transactions):
        results = analyze(
            transactions, window=run.window_days * DAY, threshold=float(run.threshold)
        )
        for result in results:
            if result.typologies:
                flagged[result.account] = sorted({str(t["type"]) for t in result.typologies})
                for item in result.typologies:
                    flag_counts[str(item["type"])] += 1
        for result in results[:MAX_LISTED_ACCOUNTS]:
            accounts.append(
                {
                    "entity": int(result.account),
                    "score": round(result.score, 4),
                    "rank": result.rank,
                    "community": result.community,
                    "typologies": result.typologies,
                }
            )
    organisers, groups = _organisers(investigation, canon, transactions, flagged)
    members: defaultdict[int, list[int]] = defaultdict(list)
    for node, group in groups.items():
        members[group].append(int(node))
    community_rows = [
        {
            "community": group,
            "size": len(nodes),
            "members": sorted(nodes)[:200],
            "flagged": sum(1 for n in nodes if str(n) in flagged),
        }
        for group, nodes in sorted(members.items())[:MAX_COMMUNITIES]
    ]
    return {
        "transfers": len(transactions),
        "accounts_total": len(transactions.account_ids),
        "flagged_accounts": len(flagged),
        "flag_counts": dict(sorted(flag_counts.items())),
        "accounts": accounts,
        "communities": community_rows,
        "organisers": organisers,
    }


@transaction.atomic
def _finish(run: AnalysisRun, status: str, result: dict[str, Any], error: str) -> AnalysisRun:
    run.status = status
    run.result = result
    run.error = error
    run.transfers = int(result.get("transfers", 0))
    run.flagged = int(result.get("flagged_accounts", 0))
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "result", "error", "transfers", "flagged", "finished_at"])
    audit_record(
        actor=run.requested_by,
        action="network.analysis.run",
        target=run.investigation,
        after={"analysis": run.pk, "status": status, "flagged": result.get("flagged_accounts", 0)},
    )
    return run
