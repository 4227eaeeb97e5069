from django import forms


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What will use it, e.g. “backup script”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
