"""Names kept in the three interface languages, picked by the active language."""

from django.db import models
from django.utils import translation


def localized_name_field() -> str:
    """The name column for the active language, for ordering lists as the reader reads them."""
    language = (translation.get_language() or "mk")[:2]
    return f"name_{language}" if language in {"mk", "sq", "en"} else "name_en"


class TranslatedName(models.Model):
    """Abstract base for records whose name is stored in Macedonian, Albanian and English."""

    name_mk = models.CharField("name (Macedonian)", max_length=200)
    name_sq = models.CharField("name (Albanian)", max_length=200)
    name_en = models.CharField("name (English)", max_length=200)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        """The name in the active language, falling back to English, then Macedonian."""
        return getattr(self, localized_name_field()) or self.name_en or self.name_mk

    def __str__(self) -> str:
        return self.name
