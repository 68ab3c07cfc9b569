"""ETag / If-Match (optimistic concurrency) and Idempotency-Key for the API views."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from drive.api.errors import (
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    PreconditionFailed,
    PreconditionRequired,
)
from drive.api.models import IdempotencyRecord

IDEMPOTENCY_TTL = dt.timedelta(hours=24)


def etag_for(data: Any) -> str:
    """A strong ETag: the hash of the representation a client reads."""
    text = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def check_if_match(request, current_etag: str) -> None:
    """428 without If-Match; 412 when it names none of the current ETag (``*`` matches)."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired()
    candidates = [value.strip().removeprefix("W/") for value in header.split(",")]
    if "*" not in candidates and current_etag not in candidates:
        raise PreconditionFailed()


def if_match(request, etag_of: Callable[[Any], str]) -> Callable[[Any], None]:
    """The compare half of a compare-and-set write: 428 at once without If-Match; else a
    ``precondition`` for the service, which calls it with the row it has locked and read
    again, before it writes. ``etag_of`` computes that row's current ETag, so a request
    that waited for a concurrent writer's lock sees the new ETag and gets 412 instead of
    overwriting the change (a lost update)."""
    if not request.headers.get("If-Match"):
        raise PreconditionRequired()

    def precondition(locked: Any) -> None:
        check_if_match(request, etag_of(locked))

    return precondition


def with_etag(request, data: Any, status: int = 200) -> Response:
    """A detail response carrying its ETag; 304 when If-None-Match already has it."""
    etag = etag_for(data)
    if etag in [v.strip() for v in request.headers.get("If-None-Match", "").split(",")]:
        return Response(status=304, headers={"ETag": etag})
    return Response(data, status=status, headers={"ETag": etag})


def _canonical(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if hasattr(value, "lists"):  # QueryDict / MultiValueDict
        return {k: [_canonical(v) for v in vs] for k, vs in value.lists()}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def request_fingerprint(request) -> str:
    payload = {
        "method": request.method,
        "path": request.path,
        "data": _canonical(request.data),
        "files": _canonical(getattr(request, "FILES", {}) or {}),
    }
    text = json.dumps(payload, cls=DjangoJSONEncoder, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def idempotent(view_method):
    """Replay the response of a successful creating POST sent again with the same
    ``Idempotency-Key`` (same user, within 24 hours); a different request under the same
    key is refused with 422. Only 2xx responses are kept: a refused request may be
    corrected and sent again with the same key."""

    @wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view_method(self, request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > 255:
            raise exceptions.ValidationError(
                {"Idempotency-Key": [_("Use a key of 1 to 255 characters, such as a UUID.")]}
            )
        fingerprint = request_fingerprint(request)
        cutoff = timezone.now() - IDEMPOTENCY_TTL
        IdempotencyRecord.objects.filter(user=request.user, key=key, created_at__lt=cutoff).delete()
        record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if record is not None:
            if record.request_hash != fingerprint:
                raise IdempotencyKeyReused()
            if record.status_code == 0:
                raise IdempotencyKeyInUse()
            headers = {"Idempotent-Replayed": "true"}
            if record.location:
                headers["Location"] = record.location
            return Response(record.response_body, status=record.status_code, headers=headers)
        try:
            with transaction.atomic():
                # A placeholder claims the key, so a concurrent twin waits (409) instead of
                # creating a second object.
                record = IdempotencyRecord.objects.create(
                    user=request.user, key=key, request_hash=fingerprint, status_code=0
                )
        except IntegrityError:
            raise IdempotencyKeyInUse() from None
        try:
            response = view_method(self, request, *args, **kwargs)
        except BaseException:
            record.delete()
            raise
        if 200 <= response.status_code < 300:
            body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
            IdempotencyRecord.objects.filter(pk=record.pk).update(
                status_code=response.status_code,
                response_body=body,
                location=response.headers.get("Location", "")[:500],
            )
        else:
            record.delete()
        return response

    wrapper.idempotent = True  # read by drive.api.schema to document the header
    return wrapper
