"""The one application error type services raise for refusals that are not field errors.

Field errors are django.core.exceptions.ValidationError with a dict naming the fields. Both are
turned into form errors by views and into JSON 4xx responses by core.api.exception_handler.
"""


class ApplicationError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status_code: int | None = None,
        extra: dict | None = None,
    ):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code
        self.extra = extra or {}


class PermissionDenied(ApplicationError):
    status_code = 403
    code = "permission_denied"


class Conflict(ApplicationError):
    status_code = 409
    code = "conflict"


class PaymentRequired(ApplicationError):
    """The organization's plan does not allow this (an app it lacks, or a limit reached)."""

    status_code = 402
    code = "plan_limit"
