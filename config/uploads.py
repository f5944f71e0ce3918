"""Uploaded images are checked by their content, not their name: a real PNG, JPEG or WebP image
(Pillow reads and verifies it) of at most a given size. Used for exhibitor logos and speaker photos."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEB_IMAGE_FORMATS = {"PNG", "JPEG", "WEBP"}
IMAGE_MAX_BYTES = 2 * 1024 * 1024


def validate_web_image(file: Any, *, max_bytes: int = IMAGE_MAX_BYTES) -> None:
    from PIL import Image, UnidentifiedImageError

    if file.size is not None and file.size > max_bytes:
        raise ValidationError(
            _("The image may have at most %(megabytes)s MB."),
            code="image_too_large",
            params={"megabytes": max_bytes // (1024 * 1024)},
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("Upload a PNG, JPEG or WebP image."), code="image_invalid") from exc
    finally:
        if position is not None:
            file.seek(position)
    if image_format not in WEB_IMAGE_FORMATS:
        raise ValidationError(_("Upload a PNG, JPEG or WebP image."), code="image_invalid")
