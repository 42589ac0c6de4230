"""Transaction records shared by the graph analytics modules.

Two shapes are offered. :class:`Transaction` is one money transfer, handy
for building inputs by hand and in tests. :class:`TransactionSet` holds many
transfers column by column (numpy arrays), which is what the scanning code
works on: account identifiers are replaced by small integer codes so that
sorting and grouping stay cheap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["Transaction", "TransactionSet"]


@dataclass(frozen=True, slots=True)
class Transaction:
    """One transfer of money from one account to another.

    Parameters
    ----------
    id : str
        Identifier of the transfer, unique within a set.
    source : str
        Account the money leaves.
    target : str
        Account the money arrives in.
    amount : float
        Amount transferred (non-negative, in one currency).
    timestamp : float
        When the transfer happened, in seconds (for instance a Unix time).

    Examples
    --------
    >>> t = Transaction("t1", "A", "B", 950.0, 0.0)
    >>> t.source, t.target
    ('A', 'B')
    """

    id: str
    source: str
    target: str
    amount: float
    timestamp: float


@dataclass(frozen=True, eq=False)
class TransactionSet:
    """Column-wise collection of transfers.

    Row ``i`` is one transfer: ``transaction_ids[i]`` moved ``amounts[i]``
    from account ``account_ids[sources[i]]`` to ``account_ids[targets[i]]``
    at ``timestamps[i]``. Sources and targets share one code table.

    Parameters
    ----------
    sources : numpy.ndarray
        Integer code (``int64``) of the paying account, per transfer.
    targets : numpy.ndarray
        Integer code (``int64``) of the receiving account, per transfer.
    amounts : numpy.ndarray
        Amount (``float64``) per transfer.
    timestamps : numpy.ndarray
        Time (``float64``) per transfer.
    account_ids : list of str
        Account identifier for each code.
    transaction_ids : list of str
        Transfer identifier per row.

    Examples
    --------
    >>> ts = TransactionSet.from_records([
    ...     Transaction("t1", "A", "B", 10.0, 1.0),
    ...     Transaction("t2", "B", "C", 9.0, 2.0),
    ... ])
    >>> len(ts), ts.account_ids
    (2, ['A', 'B', 'C'])
    >>> ts.targets.tolist()
    [1, 2]
    """

    sources: npt.NDArray[np.int64]
    targets: npt.NDArray[np.int64]
    amounts: npt.NDArray[np.float64]
    timestamps: npt.NDArray[np.float64]
    account_ids: list[str] = field(default_factory=list)
    transaction_ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.transaction_ids)
        for name in ("sources", "targets", "amounts", "timestamps"):
            column = getattr(self, name)
            if column.ndim != 1 or column.shape[0] != n:
                msg = f"column {name!r} has shape {column.shape}, expected ({n},)"
                raise ValueError(msg)
        if n and (
            int(self.sources.min()) < 0
            or int(self.targets.min()) < 0
            or max(int(self.sources.max()), int(self.targets.max())) >= len(self.account_ids)
        ):
            msg = "account codes must index into account_ids"
            raise ValueError(msg)

    @classmethod
    def from_records(cls, records: Iterable[Transaction]) -> TransactionSet:
        """Build a set from :class:`Transaction` records.

        Account codes are given in order of first appearance (source
        before target within a record).

        Parameters
        ----------
        records : iterable of Transaction
            The transfers, in any order.

        Returns
        -------
        TransactionSet
            The same transfers, stored column-wise.

        Raises
        ------
        ValueError
            If an amount or timestamp is not a finite number, an amount is
            negative, or a transfer identifier repeats.

        Examples
        --------
        >>> ts = TransactionSet.from_records([Transaction("x", "A", "A", 1.0, 0.0)])
        >>> ts.sources.tolist(), ts.account_ids
        ([0], ['A'])
        """
        codes: dict[str, int] = {}
        sources: list[int] = []
        targets: list[int] = []
        amounts: list[float] = []
        timestamps: list[float] = []
        ids: list[str] = []
        for record in records:
            sources.append(codes.setdefault(record.source, len(codes)))
            targets.append(codes.setdefault(record.target, len(codes)))
            amounts.append(float(record.amount))
            timestamps.append(float(record.timestamp))
            ids.append(record.id)
        amount_array = np.asarray(amounts, dtype=np.float64)
        time_array = np.asarray(timestamps, dtype=np.float64)
        if not np.all(np.isfinite(amount_array)) or not np.all(np.isfinite(time_array)):
            msg = "amounts and timestamps must be finite numbers"
            raise ValueError(msg)
        if np.any(amount_array < 0):
            msg = "amounts must not be negative"
            raise ValueError(msg)
        if len(set(ids)) != len(ids):
            msg = "transaction ids must be unique"
            raise ValueError(msg)
        return cls(
            sources=np.asarray(sources, dtype=np.int64),
            targets=np.asarray(targets, dtype=np.int64),
            amounts=amount_array,
            timestamps=time_array,
            account_ids=list(codes),
            transaction_ids=ids,
        )

    def __len__(self) -> int:
        """Return the number of transfers."""
        return len(self.transaction_ids)
