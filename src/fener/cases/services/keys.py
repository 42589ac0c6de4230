"""Key rotation of the identity vault: re-encrypt every encrypted value with the current key.

Runs table by table on the raw column values (never decrypting into model objects), in
batches, each batch in one transaction; running it twice is harmless. Blind indexes are
recomputed with the new key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction

from fener.cases import vault
from fener.cases.fields import EncryptedBinaryField, EncryptedJSONField, EncryptedTextField
from fener.cases.models import IdentityRecord
from fener.cases.services.identity import match_key

_ENCRYPTED = (EncryptedTextField, EncryptedJSONField, EncryptedBinaryField)
BATCH = 500


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
    _rekey_network_entities()
    return RotationResult(values=total, tables=len({t[0] for t in tables}))


def _rekey_network_entities() -> None:
    """Network entities are found by a blind index of their normalised value: recompute it with
    the new key from the (re-encrypted) label, which normalises to the same value."""
    if not apps.is_installed("fener.network"):
        return
    from fener.network.models import Entity
    from fener.network.values import ValueRefused, entity_key, normalise

    for entity in Entity.objects.only("pk", "kind", "key", "label").iterator(chunk_size=BATCH):
        try:
            normalised, _label = normalise(entity.kind, entity.label)
        except ValueRefused:
            continue
        key = entity_key(entity.kind, normalised)
        if key != entity.key:
            Entity.objects.filter(pk=entity.pk, key=entity.key).update(key=key)
