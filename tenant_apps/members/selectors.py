from datetime import timedelta

from django.utils import timezone

from tenant_apps.members.models import ApiToken, Member, Role
from tenant_apps.members.services import hash_key


def role_of(user) -> str | None:
    """The user's role on this site, or None for anonymous visitors."""
    if not user or not user.is_authenticated:
        return None
    try:
        return user.member.role
    except Member.DoesNotExist:
        return Role.MEMBER


def has_role(user, at_least: str) -> bool:
    role = role_of(user)
    if role is None:
        return False
    from tenant_apps.members.models import ROLE_RANK

    return ROLE_RANK[Role(role)] >= ROLE_RANK[Role(at_least)]


def tokens_of(user):
    return ApiToken.objects.filter(user=user)


def user_for_api_key(key: str):
    """The active user owning an active token with this key, or None. Records its use (at most
    once a minute, so that an API client does not cost a write per request)."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
