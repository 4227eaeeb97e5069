"""Role checks for pages and API views. Apps use these, never role strings by hand."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from tenant_apps.members.models import Role
from tenant_apps.members.selectors import has_role


def role_required(at_least: str):
    """View decorator: anonymous visitors go to log in; members below `at_least` get a 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, at_least):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


member_required = role_required(Role.MEMBER)


class HasRole(BasePermission):
    at_least = Role.MEMBER

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated) and has_role(
            request.user, self.at_least
        )


class IsModerator(HasRole):
    at_least = Role.MODERATOR


class IsAdmin(HasRole):
    at_least = Role.ADMIN


class IsOwner(HasRole):
    at_least = Role.OWNER
