from django import forms

from tenant_apps.links.models import RedirectType


class ShortLinkForm(forms.Form):
    target_url = forms.CharField(
        label="Destination URL", max_length=2048, widget=forms.URLInput(attrs={"autofocus": True})
    )
    alias = forms.CharField(
        label="Custom alias",
        max_length=64,
        required=False,
        help_text="Letters, digits, - and _. Leave empty for a random code.",
    )
    title = forms.CharField(max_length=200, required=False)
    tags = forms.CharField(
        max_length=500, required=False, help_text="Separated by spaces or commas."
    )
    redirect_type = forms.TypedChoiceField(choices=RedirectType.choices, coerce=int)
    expires_at = forms.DateTimeField(
        label="Expires at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    max_clicks = forms.IntegerField(label="Click limit", required=False, min_value=1)
    password = forms.CharField(
        max_length=128,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Visitors must enter it before they are redirected.",
    )


class ShortLinkEditForm(ShortLinkForm):
    alias = None
    is_enabled = forms.BooleanField(label="Enabled", required=False)
    remove_password = forms.BooleanField(label="Remove the password", required=False)

    field_order = ["target_url", "title", "tags", "redirect_type", "expires_at", "max_clicks",
                   "password", "remove_password", "is_enabled"]  # fmt: skip


class LinkPasswordForm(forms.Form):
    password = forms.CharField(max_length=128, widget=forms.PasswordInput)


class BookmarkForm(forms.Form):
    url = forms.CharField(label="URL", max_length=2048, widget=forms.URLInput)
    title = forms.CharField(max_length=300, required=False)
    description = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes = forms.CharField(
        max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tags = forms.CharField(
        max_length=500, required=False, help_text="Separated by spaces or commas."
    )
    is_unread = forms.BooleanField(label="Read later", required=False)
    is_archived = forms.BooleanField(label="Archived", required=False)
    is_shared = forms.BooleanField(label="Share with the site", required=False)


class ImportForm(forms.Form):
    file = forms.FileField(help_text="The HTML file your browser exports (at most 5 MB).")


class BulkTagForm(forms.Form):
    add = forms.CharField(max_length=500, required=False)
    remove = forms.CharField(max_length=500, required=False)


class TagRenameForm(forms.Form):
    name = forms.CharField(max_length=50)


class SettingsForm(forms.Form):
    default_redirect_type = forms.TypedChoiceField(choices=RedirectType.choices, coerce=int)
    members_may_create_links = forms.BooleanField(
        label="Members may create short links",
        required=False,
        help_text="When off, only moderators, admins and the owner can.",
    )
