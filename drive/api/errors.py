"""One error envelope for every API error (STYLE.md §15):

    {"error": {"code": "not_found", "message": "<translated>", "fields": {"name": ["…"]}}}

``fields`` maps a request field to its messages (empty when the error is not about a
field). Messages are translated into the request's language (``Accept-Language``).
"""

from __future__ import annotations

import logging
import math
import re
from typing import Any

from django.core.exceptions import (
    DisallowedHost,
    ObjectDoesNotExist,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback

from drive.core.errors import DomainError
from drive.core.filters import InvalidFilter

logger = logging.getLogger(__name__)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy(
        "Someone changed this since you read it. Fetch it again (new ETag) and retry."
    )
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = gettext_lazy(
        "Send the If-Match header with the ETag you last read, so no change is overwritten."
    )
    default_code = "precondition_required"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = gettext_lazy(
        "This Idempotency-Key was already used with a different request. Use a new key."
    )
    default_code = "idempotency_key_reused"


class IdempotencyKeyInUse(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy(
        "A request with this Idempotency-Key is still being processed. Retry in a moment."
    )
    default_code = "idempotency_key_in_use"


def envelope(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def refusal(
    error: DomainError,
    *,
    status: int = 400,
    fields: dict[str, list[str]] | None = None,
    **extra: Any,
) -> Response:
    """A domain refusal in the envelope, with extra keys inside ``error`` (``details``,
    ``conflict`` …) for the client to act on (e.g. the list of missing answers)."""
    body = envelope(_snake(type(error).__name__), error.message, fields)
    body["error"].update(extra)
    return Response(body, status=status)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail → {"field" or "items.0.name": [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for sub, messages in _flatten(value, name).items():
                out.setdefault(sub, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def _validation_response(detail: Any) -> Response:
    fields = _flatten(detail)
    general = fields.pop("non_field_errors", None)
    message = general[0] if general else _("Some values are not valid. Correct them and retry.")
    return Response(envelope("invalid", message, fields), status=400)


def _suspicious(exc: SuspiciousOperation) -> tuple[int, dict]:
    """A request Django refuses before (or while) it is read, as (status, envelope)."""
    if isinstance(exc, RequestDataTooBig):
        message = _("The request body is too large.")
        return 413, envelope("request_too_large", message)
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        message = _("The request has too many fields or files.")
        return 400, envelope("too_many_fields", message)
    if isinstance(exc, DisallowedHost):
        return 400, envelope("bad_host", _("This host name is not served here."))
    return 400, envelope("bad_request", _("The request could not be understood."))


def exception_handler(exc: Exception, context: dict) -> Response:
    if isinstance(exc, SuspiciousOperation):
        set_rollback()
        status_code, body = _suspicious(exc)
        return Response(body, status=status_code)
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, InvalidFilter):  # a list's query parameters: each one named
        return _validation_response(exc.fields)

    if isinstance(exc, DomainError):
        set_rollback()
        field = getattr(exc, "field", None)
        fields = {field: [exc.message]} if field else {}
        return Response(envelope(_snake(type(exc).__name__), exc.message, fields), status=400)

    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return _validation_response(as_serializer_error(exc))

    if isinstance(exc, exceptions.ValidationError):
        set_rollback()
        return _validation_response(exc.detail)

    if isinstance(exc, exceptions.APIException):
        set_rollback()
        headers: dict[str, str] = {}
        auth_header = getattr(exc, "auth_header", None)
        if auth_header:
            headers["WWW-Authenticate"] = auth_header
        wait = getattr(exc, "wait", None)
        if wait is not None:
            headers["Retry-After"] = str(max(1, math.ceil(wait)))
        detail = exc.detail
        if isinstance(detail, (list, dict)):
            return Response(
                envelope(exc.default_code, exc.default_detail, _flatten(detail)),
                status=exc.status_code,
                headers=headers,
            )
        code = getattr(detail, "code", None) or exc.default_code
        message = str(detail)
        if isinstance(exc, exceptions.Throttled):
            code = "throttled"
            message = _("Too many requests for this token. Retry in %(seconds)s seconds.") % {
                "seconds": headers.get("Retry-After", "1")
            }
        return Response(envelope(code, message), status=exc.status_code, headers=headers)

    # Anything else is a bug: log it, answer in the same envelope, never leak details.
    logger.exception("API error in %s", context.get("view").__class__.__name__)
    set_rollback()
    return Response(
        envelope("server_error", _("Something went wrong on our side. Try again later.")),
        status=500,
    )


# --- Django's own error views (handler400/404/500 in drive/urls.py) -------------------
# Errors raised before a view runs (a bad Host header, too many fields read by a
# middleware, an address no URL matches, a crash in a middleware) never reach DRF's
# handler above: under /api/ they are answered in the same envelope, elsewhere by
# Django's pages.


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception, template_name="400.html"):
    if not _is_api(request):
        return defaults.bad_request(request, exception, template_name)
    if isinstance(exception, SuspiciousOperation):
        status_code, body = _suspicious(exception)
    else:
        status_code, body = 400, envelope("bad_request", _("The request could not be understood."))
    return JsonResponse(body, status=status_code)


def permission_denied(request, exception, template_name="403.html"):
    if not _is_api(request):
        return defaults.permission_denied(request, exception, template_name)
    return JsonResponse(
        envelope("permission_denied", exceptions.PermissionDenied.default_detail), status=403
    )


def page_not_found(request, exception, template_name="404.html"):
    if not _is_api(request):
        return defaults.page_not_found(request, exception, template_name)
    return JsonResponse(envelope("not_found", exceptions.NotFound.default_detail), status=404)


def server_error(request, template_name="500.html"):
    if not _is_api(request):
        return defaults.server_error(request, template_name)
    return JsonResponse(
        envelope("server_error", _("Something went wrong on our side. Try again later.")),
        status=500,
    )
