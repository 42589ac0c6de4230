"""Reads about sources, their tokens and uploads, always through the gatekeeper."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db.models import QuerySet

from fener.adwatch import uploads
from fener.adwatch.models import Source, SourceToken, Upload
from fener.adwatch.services.ingestion import validate_record
from fener.core.access import NotFound, get_visible, restrict


def source_list(*, user: Any) -> QuerySet[Source]:
    return restrict(Source.objects.all(), user, "view")


def source_get(*, user: Any, pk: Any) -> Source:
    return get_visible(Source.objects.all(), user, "view", pk=pk)


def source_token_list(*, user: Any, source: Source) -> QuerySet[SourceToken]:
    return SourceToken.objects.filter(source__in=source_list(user=user)).filter(source=source)


def source_token_get(*, user: Any, pk: Any) -> SourceToken:
    """A token of a source the user may see, or :class:`NotFound`."""
    try:
        return SourceToken.objects.select_related("source").get(
            pk=pk, source__in=source_list(user=user)
        )
    except (SourceToken.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def upload_list(*, user: Any, source: Source) -> QuerySet[Upload]:
    return restrict(Upload.objects.filter(source=source), user, "view").defer("content")


def upload_get(*, user: Any, pk: Any) -> Upload:
    return get_visible(
        Upload.objects.select_related("source").defer("content"), user, "view", pk=pk
    )


@dataclass
class PreviewRow:
    """One row as the import will read it: Fener's fields, or why it will be refused."""

    line: int
    cells: list[Any] = field(default_factory=list)  # in the order of :func:`mapped_fields`
    problem: str = ""


def mapped_fields(upload: Upload, mapping: Mapping[str, str]) -> list[str]:
    """Fener's fields that ``mapping`` feeds from a column of ``upload``, in their order."""
    return [name for name in uploads.FIELDS if mapping.get(name) in upload.columns]


def upload_preview(
    *, upload: Upload, mapping: Mapping[str, str], rows: int = 5
) -> list[PreviewRow]:
    """The first ``rows`` rows of ``upload`` read with ``mapping`` (the caller may see it)."""
    try:
        text = uploads.decode(bytes(upload.content))
    except uploads.UploadError:
        return []
    fields = mapped_fields(upload, mapping)
    clean = {name: mapping[name] for name in fields}
    preview = []
    for line, record in islice(uploads.read_records(text, upload.file_format, clean), rows):
        if isinstance(record, uploads.RowProblem):
            preview.append(PreviewRow(line, problem=record.reason))
            continue
        cells = [record.get(name) for name in fields]
        checked = validate_record(record)
        preview.append(PreviewRow(line, cells, checked if isinstance(checked, str) else ""))
    return preview
