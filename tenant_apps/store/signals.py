"""The one signal the store listens to: a visitor who logs in keeps what they put in their cart
(session cart merged into the member's database cart)."""

import logging

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

logger = logging.getLogger(__name__)


@receiver(user_logged_in, dispatch_uid="store.merge_cart_at_login")
def merge_cart_at_login(sender, request, user, **kwargs):
    from tenants.context import current_organization

    if request is None or current_organization() is None or not hasattr(request, "session"):
        return
    from tenant_apps.store import services

    try:
        services.merge_session_cart(user=user, session=request.session)
    except Exception:  # a cart problem must never stop a login
        logger.exception("Could not merge the session cart at login")
