from django import forms

from tenant_apps.members.models import JoinPolicy, Role


class InviteForm(forms.Form):
    # The invitation's column holds 254 characters; forms.EmailField alone allows 320.
    email = forms.EmailField(max_length=254, help_text="They get a link that works for 7 days.")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class JoinPolicyForm(forms.Form):
    mode = forms.ChoiceField(choices=JoinPolicy.Mode.choices, label="Who can join")
    allowed_domains = forms.CharField(
        required=False,
        label="Email domains",
        help_text="Separated by commas or spaces, e.g. example.org, example.com.",
    )

    def domains(self) -> list[str]:
        raw = self.cleaned_data.get("allowed_domains") or ""
        return [part for part in raw.replace(",", " ").split() if part]


class AuditFilterForm(forms.Form):
    action = forms.CharField(required=False)
    actor = forms.CharField(required=False, label="Who (email)")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class BrandingForm(forms.Form):
    site_name = forms.CharField(max_length=100, required=False, help_text="Shown in the header.")
    tagline = forms.CharField(max_length=200, required=False)
    logo = forms.FileField(
        required=False, help_text="PNG, JPEG, GIF or WebP, up to 1 MB. Square or wide."
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the current logo")
    accent_color = forms.CharField(
        required=False,
        max_length=7,
        label="Accent colour",
        help_text="Buttons and links, e.g. #0e7490.",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    timezone = forms.CharField(max_length=64, help_text="e.g. Europe/Paris")
    language = forms.ChoiceField(choices=())
    currency = forms.ChoiceField(choices=())

    def __init__(self, *args, **kwargs):
        from tenant_apps.console.branding import CURRENCIES, LANGUAGES

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = LANGUAGES
        self.fields["currency"].choices = [(c, c) for c in CURRENCIES]
