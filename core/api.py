"""API conventions shared by every endpoint: one error shape and one pagination style.

Every error body is {"error": {"code": str, "message": str, "fields": {name: [messages]}}};
"fields" names the input at fault (and is empty when no single field is).
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError

logger = logging.getLogger(__name__)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


def _fields_from(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        fields = {}
        for name, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _fields_from(value).items():
                    fields[f"{name}.{sub}"] = messages
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    for sub, messages in _fields_from(item).items():
                        fields[f"{name}[{index}].{sub}"] = messages
            else:
                fields[name] = [str(m) for m in (value if isinstance(value, list) else [value])]
        return fields
    return {}


def error_body(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                ("non_field_errors" if k == "__all__" else k): v
                for k, v in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, **exc.extra), status=exc.status_code)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RecursionError):
        # Python's json gives up on input nested deeper than its stack allows ("[[[[..."):
        # bad input, not a server error. Logged, in case the recursion was ours.
        logger.warning("Refused a request nested too deeply", exc_info=exc)
        message = "The request body is nested too deeply."
        return Response(error_body("parse_error", message), status=status.HTTP_400_BAD_REQUEST)
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        # Over DATA_UPLOAD_MAX_NUMBER_FIELDS / _FILES: also Django's HTML 400 page otherwise.
        what = "fields" if isinstance(exc, TooManyFieldsSent) else "files"
        message = f"The request has too many {what}."
        return Response(error_body("too_many_" + what, message), status=400)
    elif isinstance(exc, RequestDataTooBig):
        # Over DATA_UPLOAD_MAX_MEMORY_SIZE: Django would answer with its HTML 400 page.
        message = "The request body is too large."
        return Response(error_body("too_large", message), status=413)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = (
            _fields_from(exc.detail)
            if isinstance(exc.detail, dict)
            else {"non_field_errors": [str(m) for m in exc.detail]}
        )
        first = next(iter(fields.items()), ("", ["Invalid input."]))
        message = (
            f"{first[0]}: {first[1][0]}"
            if first[0] not in ("", "non_field_errors")
            else first[1][0]
        )
        response.data = error_body("invalid", message, fields)
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = error_body(str(code), str(detail))
    return response


def schema_without_uri_format(result, generator, request, public):
    """drf-spectacular postprocessing hook: URL fields are documented as strings.

    Model URLFields are mostly optional (blank=True), so the API answers "" for an unset one,
    which the "uri" format refuses; the schema would then be wrong for every empty link. The
    description says what the field holds instead."""

    def walk(node):
        if isinstance(node, dict):
            alternatives = node.get("oneOf")
            if alternatives and all(
                isinstance(item, dict) and item.get("type") == "string" for item in alternatives
            ):
                # A blank-allowed URLField: oneOf [uri, maxLength 0]. Without the format both
                # alternatives match "", which oneOf forbids: keep one string schema.
                node.pop("oneOf")
                first = next(item for item in alternatives if item.get("maxLength") != 0)
                node.update({k: v for k, v in first.items() if k not in node})
            if node.get("format") == "uri" and node.get("type") == "string":
                del node["format"]
                node.setdefault("description", "A URL, or empty.")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
