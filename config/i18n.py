"""Content in German and English: `title_de` / `title_en` fields read through one attribute.

`title = Translated("title")` on a model returns the field for the active language and falls
back to the other language when that one is empty.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

CONTENT_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def active_language() -> str:
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in CONTENT_LANGUAGES else settings.LANGUAGE_CODE


def pick_language(values: dict[str, str], language: str | None = None) -> str:
    """The language whose value `pick` shows: `language` (default: active) unless it is empty."""
    language = language or active_language()
    if values.get(language):
        return language
    for code in CONTENT_LANGUAGES:
        if values.get(code):
            return code
    return language


def pick(values: dict[str, str], language: str | None = None) -> str:
    """The value for `language` (default: active), else the first non-empty one."""
    return values.get(pick_language(values, language), "") or ""


def content_language(instance: Any, base: str) -> str:
    """The language `instance.<base>` is shown in (for the `lang` attribute of fallback text)."""
    return pick_language({code: getattr(instance, f"{base}_{code}", "") or "" for code in CONTENT_LANGUAGES})


class Translated:
    """Descriptor reading `<base>_<lang>` fields with a fallback."""

    def __init__(self, base: str) -> None:
        self.base = base

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return pick({code: getattr(instance, f"{self.base}_{code}", "") or "" for code in CONTENT_LANGUAGES})


def _label(verbose_name: Any, language: Any) -> Any:
    return format_lazy("{} ({})", verbose_name, language)


def translated_char_fields(
    verbose_name: Any, *, max_length: int = 200, required: bool = True
) -> tuple[models.CharField[str, str], models.CharField[str, str]]:
    """German (required unless `required=False`) and English (optional) variants of a CharField."""
    return (
        models.CharField(_label(verbose_name, _("German")), max_length=max_length, blank=not required),
        models.CharField(_label(verbose_name, _("English")), max_length=max_length, blank=True),
    )


def translated_text_fields(verbose_name: Any) -> tuple[models.TextField[str, str], models.TextField[str, str]]:
    return (
        models.TextField(_label(verbose_name, _("German")), blank=True),
        models.TextField(_label(verbose_name, _("English")), blank=True),
    )
