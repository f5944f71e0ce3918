from typing import Any

from django import template

from config.i18n import content_language

register = template.Library()


@register.filter
def lang_of(instance: Any, base: str) -> str:
    """`{{ session|lang_of:"title" }}`: the language the title is shown in (it may fall back)."""
    return content_language(instance, base)
