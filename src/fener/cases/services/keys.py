"""Key rotation of the identity vault: re-encrypt every encrypted value with the current key.

Runs table by table on the raw column values (never decrypting into model objects), in
batches, each batch in one transaction; running it twice is harmless. Blind indexes are
recomputed with the new key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction

from fener.cases import vault
from fener.cases.fields import EncryptedBinaryField, EncryptedJSONField, EncryptedTextField
from fener.cases.models import IdentityRecord
from fener.cases.services.identity import match_key

_ENCRYPTED = (EncryptedTextField, EncryptedJSONField, EncryptedBinaryField)
BATCH = 500

# Other modules that keep blind indexes of encrypted values (the network module finds entities
# by one) register a function that recomputes them with the new key; it runs after the values
# are re-encrypted. An explicit list called by this service, like retention's erasure hooks.
ROTATION_HOOKS: list[Callable[[], None]] = []


def register_rotation_hook(hook: Callable[[], None]) -> None:
    """Have ``hook()`` run at the end of every key rotation (idempotent registration)."""
    if hook not in ROTATION_HOOKS:
        ROTATION_HOOKS.append(hook)


@dataclass(frozen=True)
class RotationResult:
    values: int
    tables: int


def encrypted_columns() -> list[tuple[str, str, list[str], bool]]:
    """(table, primary key column, encrypted columns, binary?) for every model of any app that
    has some (victim cases and network investigations)."""
    found: list[tuple[str, str, list[str], bool]] = []
    for model in apps.get_models():
        text = [
            str(f.column)
            for f in model._meta.fields
            if isinstance(f, EncryptedTextField | EncryptedJSONField)
        ]
        binary = [str(f.column) for f in model._meta.fields if isinstance(f, EncryptedBinaryField)]
        if text:
            found.append((model._meta.db_table, str(model._meta.pk.column), text, False))
        if binary:
            found.append((model._meta.db_table, str(model._meta.pk.column), binary, True))
    return found


def _rotate_table(table: str, pk: str, columns: list[str], binary: bool) -> int:
    quote = connection.ops.quote_name
    count = 0
    last = None
    select = f"SELECT {quote(pk)}, {', '.join(quote(c) for c in columns)} FROM {quote(table)}"  # noqa: S608 (names from the models)
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            if last is None:
                cursor.execute(f"{select} ORDER BY {quote(pk)} LIMIT %s", [BATCH])
            else:
                cursor.execute(
                    f"{select} WHERE {quote(pk)} > %s ORDER BY {quote(pk)} LIMIT %s", [last, BATCH]
                )
            rows = cursor.fetchall()
            if not rows:
                return count
            for row in rows:
                last = row[0]
                for column, value in zip(columns, row[1:], strict=True):
                    if value is None or value == "":
                        continue
                    new: bytes | str = (
                        vault.reencrypt(bytes(value))
                        if binary
                        else vault.reencrypt(str(value).encode()).decode()
                    )
                    # Only if the value is still the one read: a save made meanwhile (already
                    # under the new key) is never overwritten with the old plaintext.
                    cursor.execute(
                        f"UPDATE {quote(table)} SET {quote(column)} = %s "  # noqa: S608
                        f"WHERE {quote(pk)} = %s AND {quote(column)} = %s",
                        [new, last, value],
                    )
                    count += cursor.rowcount


def rotate_key() -> RotationResult:
    """Re-encrypt all encrypted values with the first secret of ``FENER_DATA_KEY``."""
    total = 0
    tables = encrypted_columns()
    for table, pk, columns, binary in tables:
        total += _rotate_table(table, pk, columns, binary)
    for record in IdentityRecord.objects.all().iterator(chunk_size=BATCH):
        values = {
            "given_name": record.given_name,
            "family_name": record.family_name,
            "birth_date": record.birth_date,
        }
        key = match_key(values)
        if key != record.match_key:
            # Only if nobody saved meanwhile (a save computes its own key).
            IdentityRecord.objects.filter(pk=record.pk, version=record.version).update(
                match_key=key
            )
    for hook in ROTATION_HOOKS:
        hook()
    return RotationResult(values=total, tables=len({t[0] for t in tables}))
