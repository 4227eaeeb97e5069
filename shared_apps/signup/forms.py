from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from tenants.selectors import subdomain_problem
from tenants.validators import MAX_LENGTH, normalize_subdomain


class OrganizationSignupForm(forms.Form):
    name = forms.CharField(
        label="Organization name",
        max_length=100,
        widget=forms.TextInput(
            attrs={"autocomplete": "organization", "placeholder": "Acme Climbing Club"}
        ),
    )
    subdomain = forms.CharField(
        label="Subdomain",
        max_length=MAX_LENGTH + 20,  # longer input gets the rule's message, not a bare max length
        help_text="3 to 40 lowercase letters, digits and hyphens.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "placeholder": "acme",
            }
        ),
    )
    owner_email = forms.EmailField(
        label="Your email",
        max_length=254,  # the account's column; forms.EmailField alone allows 320
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    owner_password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )

    def clean_subdomain(self) -> str:
        subdomain = normalize_subdomain(self.cleaned_data["subdomain"])
        problem = subdomain_problem(subdomain)
        if problem:
            raise ValidationError(problem)
        return subdomain

    def clean_owner_email(self) -> str:
        return self.cleaned_data["owner_email"].strip().lower()

    @property
    def base_domain(self) -> str:
        return settings.BASE_DOMAIN
