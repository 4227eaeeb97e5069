"""What every new tenant schema starts with: its owner."""

from tenant_apps.members import services
from tenants.provisioning import tenant_initializer


@tenant_initializer
def create_site_owner(
    *,
    organization,
    owner_email: str | None = None,
    owner_password_hash: str | None = None,
    owner_name: str = "",
    **_,
):
    # Organizations made without an owner (operators' scripts, imports) start empty.
    if owner_email and owner_password_hash:
        services.create_owner(email=owner_email, password_hash=owner_password_hash, name=owner_name)
