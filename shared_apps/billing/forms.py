from django import forms

from shared_apps.billing.models import Plan


class ChoosePlanForm(forms.Form):
    plan = forms.ChoiceField(label="Plan")
    interval = forms.ChoiceField(
        label="Billing period", choices=[("monthly", "Monthly"), ("yearly", "Yearly")]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [
            (plan.key, plan.name) for plan in Plan.objects.filter(is_public=True)
        ]
