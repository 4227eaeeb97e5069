"""The site's join policy, applied to allauth's signup through the accounts adapter."""

from django.core.exceptions import ValidationError

from core.errors import PaymentRequired
from shared_apps.accounts.adapters import register_signup_rule
from tenant_apps.members import services
from tenant_apps.members.models import JoinPolicy

SESSION_KEY = "members.invitation_token"


def invitation_in_session(request):
    token = request.session.get(SESSION_KEY) if request is not None else None
    return services.invitation_for_token(token) if token else None


@register_signup_rule
class JoinPolicyRule:
    @staticmethod
    def is_open(request) -> bool:
        policy = services.join_policy()
        if policy.mode == JoinPolicy.Mode.INVITATION:
            return invitation_in_session(request) is not None
        return True

    @staticmethod
    def check_email(request, email: str) -> None:
        try:
            services.ensure_room_for_member()
        except PaymentRequired:
            raise ValidationError(
                "This site has as many members as its plan allows; ask its admins to upgrade."
            ) from None
        invitation = invitation_in_session(request)
        if invitation is not None and invitation.email.lower() == email.lower():
            return
        policy = services.join_policy()
        if policy.mode == JoinPolicy.Mode.INVITATION:
            raise ValidationError(
                "This site is invitation only; use the address you were invited at."
            )
        if policy.mode == JoinPolicy.Mode.DOMAINS:
            domain = email.rsplit("@", 1)[-1].lower()
            if domain not in policy.allowed_domains:
                allowed = ", ".join(policy.allowed_domains)
                raise ValidationError(f"Only addresses at {allowed} can join this site.")
