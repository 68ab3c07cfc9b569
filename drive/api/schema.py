"""OpenAPI details that apply to every operation (drf-spectacular).

- PUT/PATCH take a required ``If-Match`` header; creating POSTs an optional
  ``Idempotency-Key``.
- Every operation documents the error envelope for the errors it can answer.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiParameter

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the representation you last read (412 if it changed since).",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (a UUID): resending the same request with the same key "
    "within 24 hours returns the first response instead of creating twice.",
)

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "example": "not_found"},
                "message": {"type": "string", "description": "Translated, for people."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
                "details": {
                    "type": "array",
                    "items": {"type": "object"},
                    "description": "Itemised problems, when the refusal has several (the "
                    "missing answers of a submission, the rows of a rejected XLSForm).",
                },
                "conflict": {
                    "type": "object",
                    "description": "The current state when a concurrent change won (409).",
                },
            },
        }
    },
}

ERROR_DESCRIPTIONS = {
    "400": "Invalid request (see error.fields) or refused by a business rule.",
    "401": "No valid API token or session.",
    "403": "Your role (or a read-only token) does not allow this.",
    "404": "Not found, or not visible to your organisation.",
    "409": "The same Idempotency-Key is being processed, or someone else changed the "
    "object first (see error.conflict).",
    "412": "If-Match does not match the current ETag.",
    "415": "Unsupported content type.",
    "422": "Idempotency-Key reused with a different request.",
    "428": "If-Match header missing.",
    "429": "Rate limit reached; see Retry-After.",
}


class AutoSchema(BaseAutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        method = self.method.upper()
        if method in ("PUT", "PATCH") and not getattr(self.view, "no_if_match", False):
            parameters.append(IF_MATCH)
        if method == "POST" and getattr(
            getattr(self.view, self.view.action, None) if hasattr(self.view, "action") else None,
            "idempotent",
            False,
        ):
            parameters.append(IDEMPOTENCY_KEY)
        return parameters


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "drive.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal or organisation token from /api/tokens/ (drv_…).",
        }


def add_error_responses(result, generator, request, public):
    """Document the error envelope on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = ["401", "403", "429"]
            if "{" in path:
                codes.append("404")
            if method in ("post", "put", "patch"):
                codes += ["400", "415"]
            if method in ("put", "patch"):
                codes += ["409", "412", "428"]
            if method == "post":
                codes += ["409", "422"]
            if method == "get":
                codes.append("400")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code, {"description": ERROR_DESCRIPTIONS[code], "content": ref}
                )
    return result
