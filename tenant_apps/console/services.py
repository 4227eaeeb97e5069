"""Console changes that are not members' (those live in tenant_apps.members.services)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core.errors import ApplicationError
from shared_apps.billing.entitlements import feature_allowed
from tenant_apps.console.audit import log_action
from tenants.lifecycle import request_deletion, set_organization_features
from tenants.models import Feature


def set_features(*, acting_user, organization, features: list[str]) -> list[str]:
    """Switch apps on or off within the plan. Apps the plan lacks cannot be switched on; an app
    already on stays switchable off whatever the plan."""
    known = {feature.value for feature in Feature}
    unknown = sorted(set(features) - known)
    if unknown:
        raise ValidationError({"features": [f"Unknown app: {', '.join(unknown)}."]})
    before = list(organization.features or [])
    newly_on = [key for key in features if key not in before]
    refused = [key for key in newly_on if not feature_allowed(organization, key)]
    if refused:
        raise ValidationError(
            {
                "features": [
                    f"Your plan does not include: {', '.join(sorted(refused))}. Upgrade first."
                ]
            }
        )
    with transaction.atomic():
        set_organization_features(organization=organization, features=features)
        if before != organization.features:
            log_action(
                acting_user=acting_user,
                action="features.changed",
                target=organization,
                before={"features": before},
                after={"features": organization.features},
            )
    return organization.features


def delete_organization(*, acting_user, organization, confirm_subdomain: str) -> None:
    """Owners only: take the site offline and schedule its removal after the grace period.
    The audit entry is written first, so it is part of the dump a restore brings back."""
    if getattr(getattr(acting_user, "member", None), "role", None) != "owner":
        raise ApplicationError("Only owners can delete the organization.", status_code=403)
    if (confirm_subdomain or "").strip().lower() != organization.schema_name:
        raise ValidationError(
            {"confirm_subdomain": [f"Type {organization.schema_name} to confirm."]}
        )
    log_action(
        acting_user=acting_user, action="organization.deletion_requested", target=organization
    )
    request_deletion(organization=organization, confirm_subdomain=confirm_subdomain)
