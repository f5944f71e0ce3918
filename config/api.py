"""Shared API plumbing: the one exception handler and the pagination every list uses."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import set_rollback

from config.exceptions import ApplicationError, ServiceUnavailable
from config.middleware import is_lock_timeout

logger = logging.getLogger(__name__)

DRF_CODES = {
    drf_exceptions.ParseError: "malformed_request",
    drf_exceptions.AuthenticationFailed: "authentication_failed",
    drf_exceptions.NotAuthenticated: "not_authenticated",
    drf_exceptions.PermissionDenied: "permission_denied",
    drf_exceptions.NotFound: "not_found",
    drf_exceptions.MethodNotAllowed: "method_not_allowed",
    drf_exceptions.NotAcceptable: "not_acceptable",
    drf_exceptions.UnsupportedMediaType: "unsupported_media_type",
    drf_exceptions.Throttled: "throttled",
    drf_exceptions.ValidationError: "invalid",
}


def error_response(
    code: str,
    message: str,
    *,
    status_code: int,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return Response({"code": code, "message": message, "extra": extra or {}}, status=status_code, headers=headers)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every error as `{"code", "message", "extra"}`."""
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = drf_exceptions.ValidationError(fields)
    elif isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    elif isinstance(exc, OperationalError) and is_lock_timeout(exc):
        exc = ServiceUnavailable()

    if isinstance(exc, ApplicationError):
        set_rollback()
        headers = {}
        if exc.retry_after:  # ServiceUnavailable, RateLimited
            headers["Retry-After"] = str(exc.retry_after)
        return error_response(exc.code, exc.message, status_code=exc.http_status, extra=exc.extra, headers=headers)

    if isinstance(exc, drf_exceptions.APIException):
        set_rollback()
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
        code = DRF_CODES.get(type(exc), exc.default_code if isinstance(exc.default_code, str) else "error")
        if isinstance(exc, drf_exceptions.ValidationError):
            detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
            return error_response(
                "invalid",
                "The request contains invalid data.",
                status_code=status.HTTP_400_BAD_REQUEST,
                extra={"fields": detail},
            )
        return error_response(code, str(exc.detail), status_code=exc.status_code, headers=headers)
    return None


class Pagination(PageNumberPagination):
    """`{"count", "next", "previous", "results"}` with `?page=` and `?page_size=` (at most 200)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


# --- the error responses in the OpenAPI schema ------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "description": 'Every error of the API: `{"code", "message", "extra"}` (SPEC.md).',
    "properties": {
        "code": {"type": "string", "description": "Machine-readable, e.g. `sold_out`, `invalid`, `not_found`."},
        "message": {"type": "string", "description": "For people, in the request's language."},
        "extra": {"type": "object", "additionalProperties": True, "description": "Details, e.g. field errors."},
    },
    "required": ["code", "message", "extra"],
}
ERROR_STATUSES = {
    "400": "The request is malformed or a value is invalid (`extra` names the fields).",
    "401": "Authentication is missing or not valid.",
    "403": "Authenticated, but not allowed to do this.",
    "404": "No such edition or object (or not visible to the caller).",
    "405": "The method is not allowed here.",
    "406": "None of the accepted media types can be served.",
    "409": "The request conflicts with the current state (e.g. `sold_out`).",
    "413": "The request body is too large.",
    "415": "The body's media type is not supported.",
    "429": "Too many requests: try again after `Retry-After` seconds.",
    "503": "Busy (a lock waited on too long): try again after `Retry-After` seconds.",
}


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: the `Error` schema, and every error status any
    operation can answer with, where the view did not document that status itself."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status_code, description in ERROR_STATUSES.items():
                responses.setdefault(status_code, {"description": description, "content": error})
    return result
