"""The OpenAPI schema's error responses: drf-spectacular's AutoSchema, plus the 4xx answers an
operation can give, in the one error shape of core.api.error_body.

Its own module, not core.api: DRF imports core.api (the pagination class) while it is still
importing its generic views, which drf-spectacular's AutoSchema needs.
"""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers
from rest_framework.authentication import SessionAuthentication


class ApiErrorBody(serializers.Serializer):
    code = serializers.CharField(help_text="What went wrong, for programs: invalid, not_found…")
    message = serializers.CharField(help_text="What went wrong, for people.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="The input at fault: field name → messages (empty when no single field is).",
    )


# A view that raises a status the schema cannot infer (409 Conflict) documents it itself:
# `extend_schema(responses={200: ThingSerializer, 409: ApiError})`.
class ApiError(serializers.Serializer):
    """The body of every 4xx answer."""

    error = ApiErrorBody()


DESCRIPTIONS = {
    400: "Invalid input: `fields` names each input at fault.",
    401: "Not logged in, or the API token is invalid or revoked.",
    402: "The site is read-only until paid, or the plan does not allow this.",
    403: "Your role does not allow this (or, with a session, the CSRF token is missing).",
    404: "No such row that you may see, or no such page.",
    409: "The row changed meanwhile, or its state does not allow this.",
    413: "The request body is too large.",
    429: "Too many requests: wait and try again.",
}

# Refusals that need no role: anyone logged in may be refused by them.
OPEN_PERMISSIONS = (
    permissions.AllowAny,
    permissions.IsAuthenticated,
    permissions.IsAuthenticatedOrReadOnly,
)


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the error responses an operation can give, inferred from
    what answers them (core.api.exception_handler and the middleware in core.middleware):

    - 400: the operation takes a body or query parameters (validation; NUL in a parameter),
      or it changes something (services refuse bad input and impossible changes with a
      ValidationError);
    - 401: it has authenticators (no credentials where needed, or a bad token, anywhere);
    - 402: it changes something (a site read-only until paid; a plan limit);
    - 403: a role or other permission is checked, or it changes something through a session
      (CSRF);
    - 404: a path parameter names a row, or a page number is out of range;
    - 413: it takes a body, which may be over DATA_UPLOAD_MAX_MEMORY_SIZE;
    - 429: the view is throttled.

    Statuses a view documents itself (`extend_schema(responses=...)`) are kept, with the
    description above when they have none.
    """

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self.error_statuses(operation):
            if str(code) not in responses:
                error = OpenApiResponse(ApiError)
                responses[str(code)] = self._get_response_for_code(error, str(code))
        for code, response in responses.items():
            if not response.get("description") and int(code) in DESCRIPTIONS:
                response["description"] = DESCRIPTIONS[int(code)]
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_statuses(self, operation: dict) -> set[int]:
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        changes = self.method not in permissions.SAFE_METHODS
        checks_role = any(
            not isinstance(permission, OPEN_PERMISSIONS)
            for permission in self.view.get_permissions()
        )
        through_session = any(
            isinstance(authenticator, SessionAuthentication)
            for authenticator in self.view.get_authenticators()
        )
        statuses = set()
        if has_body or changes or any(p["in"] == "query" for p in parameters):
            statuses.add(400)
        if operation.get("security"):
            statuses.add(401)
        if changes:
            statuses.add(402)
        if checks_role or (changes and through_session):
            statuses.add(403)
        if any(p["in"] == "path" or p["name"] == "page" for p in parameters):
            statuses.add(404)
        if has_body:
            statuses.add(413)
        if self.view.get_throttles():
            statuses.add(429)
        return statuses
