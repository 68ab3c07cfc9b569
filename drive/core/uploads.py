"""Uploads refused while they stream, not after the whole body is on disk.

Django writes an uploaded file to memory or a temporary file as the request body
arrives; the views' size checks (``IMPORT_MAX_UPLOAD_BYTES``, ``EVIDENCE_MAX_UPLOAD_BYTES``)
run only afterwards, so a 1 GiB upload used to be written in full before it was refused.
:class:`LimitedUploadHandler` comes first in ``FILE_UPLOAD_HANDLERS``: once a file passes
the limit of the view it is sent to, it stops handing the file's bytes to the handlers
that store them, counts the rest, and gives the view a :class:`TooLargeUpload` (no
content, the real ``size``). The view's own size check then answers as always: a form
error on pages, the 400 envelope in the API. A view declares its limit with
:func:`upload_limit` (a setting's name); others get ``UPLOAD_MAX_BYTES``. The reverse
proxy should refuse larger bodies before they reach Django (README, deployment).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.urls import Resolver404, resolve

View = TypeVar("View", bound=Callable[..., Any])


def upload_limit(setting: str) -> Callable[[View], View]:
    """Mark a view function (or a DRF view class) as accepting files up to
    ``settings.<setting>`` bytes."""

    def mark(view: View) -> View:
        view.upload_limit_setting = setting  # type: ignore[attr-defined]
        return view

    return mark


def limit_for(request: Any) -> int:
    """The upload limit of the view ``request`` was routed to (bytes)."""
    match = getattr(request, "resolver_match", None)
    if match is None:  # a middleware read the body before the URL was resolved
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            match = None
    view = getattr(match, "func", None)
    setting = getattr(view, "upload_limit_setting", None) or getattr(
        getattr(view, "cls", None), "upload_limit_setting", None
    )
    return int(getattr(settings, setting or "UPLOAD_MAX_BYTES"))


class TooLargeUpload(UploadedFile):
    """What the view receives instead of a file over the limit: its name, its real size
    and no content (nothing of it was kept)."""

    def __init__(self, name: str, content_type: str, size: int, charset: str | None) -> None:
        super().__init__(io.BytesIO(b""), name, content_type, size, charset)
        self.too_large = True


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.limit = 0
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.limit = limit_for(self.request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            return None  # the storing handlers after this one never see these bytes
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received <= self.limit:
            return None  # the next handler (memory or temporary file) has the whole file
        return TooLargeUpload(
            self.file_name or "", self.content_type or "", self.received, self.charset
        )
