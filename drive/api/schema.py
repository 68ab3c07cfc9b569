"""OpenAPI details that apply to every operation (drf-spectacular).

- PUT/PATCH take a required ``If-Match`` header; creating POSTs an optional
  ``Idempotency-Key``.
- Every operation documents the error envelope for the errors it can answer.
"""

from __future__ import annotations

import re

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
                    "description": "The current answer when a concurrent change won (412).",
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
    "409": "The same Idempotency-Key is still being processed.",
    "412": "If-Match does not match the current ETag: someone changed the object since you "
    "read it (for an answer, error.conflict holds what won).",
    "413": "The request body is larger than the server accepts.",
    "415": "Unsupported content type.",
    "422": "Idempotency-Key reused with a different request.",
    "428": "If-Match header missing.",
    "429": "Rate limit reached; see Retry-After.",
}


ERROR_EXAMPLES = {
    "400": (
        "invalid",
        "Some values are not valid. Correct them and retry.",
        {"country": ["Choose a valid country."]},
    ),
    "401": ("not_authenticated", "Authentication credentials were not provided.", {}),
    "403": ("permission_denied", "You do not have permission to perform this action.", {}),
    "404": ("not_found", "Not found.", {}),
    "409": (
        "idempotency_key_in_use",
        "A request with this Idempotency-Key is still being processed. Retry in a moment.",
        {},
    ),
    "412": (
        "precondition_failed",
        "Someone changed this since you read it. Fetch it again (new ETag) and retry.",
        {},
    ),
    "413": ("request_too_large", "The request body is too large.", {}),
    "415": ("unsupported_media_type", 'Unsupported media type "text/plain" in request.', {}),
    "422": (
        "idempotency_key_reused",
        "This Idempotency-Key was already used with a different request. Use a new key.",
        {},
    ),
    "428": (
        "precondition_required",
        "Send the If-Match header with the ETag you last read, so no change is overwritten.",
        {},
    ),
    "429": ("throttled", "Too many requests for this token. Retry in 12 seconds.", {}),
}

HEADERS = {
    "ETag": {
        "description": "A strong validator of this representation: send it as If-Match to "
        "change the object, as If-None-Match to get 304 when unchanged.",
        "schema": {"type": "string"},
        "example": '"9f86d081884c7d659a2feaa0c55ad015"',
    },
    "Location": {
        "description": "The address of the object just created.",
        "schema": {"type": "string", "format": "uri-reference"},
        "example": "/api/v1/suppliers/42/",
    },
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer", "minimum": 1},
        "example": 12,
    },
}

# Operations whose response carries an ETag / whose 201 carries a Location (what the views
# send: with_etag() and response["Location"]).
NO_ETAG = {"risk_models_retrieve"}
LOCATION = {
    "suppliers_create",
    "suppliers_agreements_create",
    "suppliers_certifications_create",
    "suppliers_contacts_create",
    "imports_create",
    "programmes_create",
    "documents_create",
    "webhooks_create",
    "questionnaires_import_create",
    "questionnaires_versions_new_draft_create",
}

# Query parameters a view declares without a description (filters).
QUERY_DESCRIPTIONS = {
    "status": "Only rows in this status.",
    "size": "Only suppliers of this size class.",
    "women_owned": "yes: only women-owned businesses; no: only the others.",
    "programme": "Only rows of this programme (its id).",
    "stage": "Only enrolments at this stage.",
    "country": "Only suppliers in this country (ISO 3166 alpha-2 code).",
    "sector": "Only suppliers in this UNSPSC segment (its code).",
    "kind": "Only documents of this type.",
    "supplier": "Only rows of this supplier (its id).",
    "deadline": "Only enrolments whose deadline is in this state.",
    "code": "Only versions of the method with this code.",
    "sort": "The order of the results.",
    "questionnaire": "Only versions of this questionnaire (its id).",
    "lta": "yes: only suppliers with a long-term agreement; no: only the others.",
    "q": "Words in the supplier's names or numbers.",
}

ID_SCHEMA = {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999}
DETAIL_PATH = re.compile(r"/\{(id|code)\}/$")


def _noun(path: str, name: str) -> str:
    """The object a path id names: ``{supplier_pk}`` → supplier; ``/suppliers/{id}/`` →
    supplier (the segment before it, singular)."""
    if name.endswith("_pk"):
        return name[:-3].replace("_", " ")
    segments = path.split("/")
    before = segments[segments.index("{" + name + "}") - 1]
    return {"methods": "scoring method", "models": "risk model", "versions": "version"}.get(
        before, before.removesuffix("s")
    )


def _describe(path: str, method: str, operation: dict) -> str:
    """What every operation of its kind does, for one without its own description."""
    summary = operation.get("summary", "").rstrip(".")
    parts = [summary + "." if summary else ""]
    names = {p["name"] for p in operation.get("parameters", [])}
    if "cursor" in names:
        parts.append(
            "Cursor-paginated: follow `next`; `page_size` 1 to 200 (default 50). An invalid "
            "`page_size` or `cursor` is 400 naming the parameter."
        )
    if method == "get" and DETAIL_PATH.search(path):
        parts.append("Another organisation's object is 404.")
    if method in ("put", "patch"):
        parts.append(
            "Send If-Match with the ETag you last read: 428 without it, 412 when the object "
            "changed since (checked and written atomically, so of concurrent writers with "
            "one ETag only one succeeds)."
        )
    if "Idempotency-Key" in names:
        parts.append("An Idempotency-Key makes a retry safe.")
    if method == "delete":
        parts.append("Answers 204 without a body.")
    return " ".join(p for p in parts if p)


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
    """Document on every operation: the error envelope (with an example per status), the
    ETag / Location / Retry-After headers, integer path ids, and a description for every
    operation and parameter that has none of its own."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    components["headers"] = HEADERS
    header = {name: {"$ref": f"#/components/headers/{name}"} for name in HEADERS}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            _document_parameters(path, operation)
            operation_id = operation.get("operationId", "")
            responses = operation.setdefault("responses", {})
            etag = operation_id not in NO_ETAG and (
                (method == "get" and DETAIL_PATH.search(path))
                or method in ("put", "patch")
                or operation_id in LOCATION
            )
            for code, response in responses.items():
                if code in ("200", "201") and etag:
                    response.setdefault("headers", {})["ETag"] = header["ETag"]
                if code == "201" and operation_id in LOCATION:
                    response.setdefault("headers", {})["Location"] = header["Location"]
            if method == "get" and etag:
                responses.setdefault(
                    "304",
                    {
                        "description": "Not modified: If-None-Match holds the current ETag.",
                        "headers": {"ETag": header["ETag"]},
                    },
                )
            codes = ["401", "403", "429"]
            if "{" in path:
                codes.append("404")
            if method in ("post", "put", "patch"):
                codes += ["400", "413", "415"]
            if method in ("put", "patch"):
                codes += ["412", "428"]
            if method == "post":
                codes += ["409", "422"]
            if method == "get":
                codes.append("400")
            for code in codes:
                responses.setdefault(code, _error_response(code))
            if any(p["name"] == "cursor" for p in operation.get("parameters", [])):
                responses["400"]["description"] += (
                    " An invalid `page_size` (not 1 to 200) or `cursor` is 400 with "
                    "`error.fields.page_size` / `error.fields.cursor`."
                )
            responses["429"].setdefault("headers", {})["Retry-After"] = header["Retry-After"]
            if not operation.get("description"):
                operation["description"] = _describe(path, method, operation)
    return result


def _error_response(code: str) -> dict:
    error_code, message, fields = ERROR_EXAMPLES[code]
    return {
        "description": ERROR_DESCRIPTIONS[code],
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "example": {"error": {"code": error_code, "message": message, "fields": fields}},
            }
        },
    }


def _document_parameters(path: str, operation: dict) -> None:
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if parameter["in"] == "path" and (name == "id" or name.endswith("_pk")):
            parameter["schema"] = dict(ID_SCHEMA)
            parameter.setdefault("description", f"The {_noun(path, name)}'s id.")
        elif parameter["in"] == "query" and not parameter.get("description"):
            parameter["description"] = QUERY_DESCRIPTIONS.get(name, f"The {name} to filter on.")
