"""Model fields whose values are encrypted in the database (see :mod:`fener.cases.vault`).

The database only ever holds ciphertext (``gAAAA...`` Fernet tokens). Encrypted fields cannot
be filtered or ordered on; models that need to find a value keep a blind index beside it.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from fener.cases import vault


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored encrypted; an empty string stays empty (nothing to hide, nothing to find)."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return vault.decrypt(value.encode()).decode()

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return vault.encrypt(str(value).encode()).decode()


class EncryptedJSONField(models.TextField):  # type: ignore[type-arg]
    """A JSON value (list or object) stored encrypted as one token."""

    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return None
        return json.loads(vault.decrypt(value.encode()))

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return vault.encrypt(json.dumps(value, cls=DjangoJSONEncoder).encode()).decode()


class EncryptedBinaryField(models.BinaryField):  # type: ignore[type-arg]
    """File contents stored encrypted."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return vault.decrypt(bytes(value))

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None:
            return None
        return super().get_db_prep_value(vault.encrypt(bytes(value)), connection, prepared)
