from allauth.account.adapter import DefaultAccountAdapter

from tenants.context import is_public_schema

# Join rules of tenant sites, filled by the tenant app that owns them (members' join policy):
# objects with `is_open(request) -> bool` and `check_email(request, email)` (raising
# ValidationError). Public-schema code never imports a tenant app; the app registers here.
signup_rules: list = []


def register_signup_rule(rule):
    signup_rules.append(rule)
    return rule


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # On the public site, accounts are made by organization signup; tenant sites let
        # visitors join as their join policy allows.
        if is_public_schema():
            return False
        return all(rule.is_open(request) for rule in signup_rules)

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not is_public_schema():
            for rule in signup_rules:
                rule.check_email(getattr(self, "request", None), email)
        return email
