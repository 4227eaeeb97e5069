"""Everyone who joins a tenant site through allauth's signup becomes a member of it, with the
role of the invitation they followed, if any."""

from allauth.account.signals import user_signed_up
from django.core.exceptions import ValidationError
from django.dispatch import receiver

from core.errors import ApplicationError
from tenant_apps.members import services
from tenants.context import is_public_schema


@receiver(user_signed_up)
def make_member(request, user, **kwargs) -> None:
    if is_public_schema():
        return
    from tenant_apps.members.join import SESSION_KEY

    token = request.session.pop(SESSION_KEY, None) if request is not None else None
    if token:
        try:
            services.accept_invitation(user=user, token=token)
            return
        except (ValidationError, ApplicationError):
            # The account exists already (signup checked the member limit before making it):
            # it stays a plain member rather than an account without a site.
            pass
    services.ensure_member(user=user)
