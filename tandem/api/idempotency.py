"""Idempotency keys on API writes: the same key and request replay the first answer."""

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, JsonResponse
from django.http.request import RawPostDataException
from ninja import Status
from ninja.operation import Operation
from ninja.utils import contribute_operation_callback
from pydantic import BaseModel

from tandem.api.auth import caller_of
from tandem.api.errors import ApiError
from tandem.api.services import (
    IdempotencyKeyReused,
    idempotency_key_claim,
    idempotency_key_keep,
    idempotency_key_release,
)

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    try:
        digest.update(request.body)
    except RawPostDataException:
        # A file upload was read as a stream: hash its fields and files instead.
        for name, value in sorted(request.POST.items()):
            digest.update(f"{name}={value}\n".encode())
        for name in sorted(request.FILES):
            upload = request.FILES.get(name)
            if not isinstance(upload, UploadedFile):
                continue
            digest.update(f"{name}:{upload.name}\n".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _json(result: Any) -> tuple[int, Any]:
    status, payload = (
        (result.status_code, result.value) if isinstance(result, Status) else (200, result)
    )
    if isinstance(payload, BaseModel):
        payload = payload.model_dump(mode="json")
    return status, payload


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Keep a write's answer under its Idempotency-Key, and replay it for the same request."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return view(request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
            raise ApiError(
                422,
                f"An {HEADER} is at most {MAX_KEY_LENGTH} printable ASCII characters.",
                field=HEADER,
            )
        token = caller_of(request).token
        try:
            kept = idempotency_key_claim(token=token, key=key, fingerprint=_fingerprint(request))
        except IdempotencyKeyReused as error:
            # Another request under a used key does not fit; one still running conflicts.
            raise ApiError(
                409 if error.in_progress else 422, error.message, field=HEADER
            ) from error
        if kept is not None:
            response = JsonResponse(kept.body, status=kept.status_code or 200, safe=False)
            response["Idempotent-Replayed"] = "true"
            return response
        try:
            status, payload = _json(view(request, *args, **kwargs))
        except BaseException:
            idempotency_key_release(token=token, key=key)
            raise
        idempotency_key_keep(token=token, key=key, status_code=status, body=payload)
        return JsonResponse(payload, status=status, safe=False)

    contribute_operation_callback(wrapper, _document)
    return wrapper


def _document(operation: Operation) -> None:
    """Name the optional Idempotency-Key header in the operation's OpenAPI entry."""
    extra = dict(operation.openapi_extra or {})
    extra["parameters"] = [
        *extra.get("parameters", []),
        {
            "name": HEADER,
            "in": "header",
            "required": False,
            "description": "Any unique string: sending the same request with it again "
            "replays the first answer instead of doing it twice.",
            "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
        },
    ]
    operation.openapi_extra = extra
