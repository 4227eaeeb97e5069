from django import forms

from tenant_apps.notifications import registry


class PreferencesForm(forms.Form):
    """One choice per registered kind, built from the registry."""

    def __init__(self, *args, preferences: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for item in preferences:
            self.fields[item["kind"]] = forms.ChoiceField(
                label=item["label"],
                choices=registry.DELIVERY_CHOICES,
                initial=item["delivery"],
                required=False,  # a kind left out keeps its delivery
            )

    def deliveries(self) -> dict[str, str]:
        return {kind: delivery for kind, delivery in self.cleaned_data.items() if delivery}
