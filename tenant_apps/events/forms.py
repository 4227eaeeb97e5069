"""Forms of the events app. Times are typed in the event's own time zone and stored in UTC."""

import zoneinfo
from datetime import datetime

from django import forms
from django.utils import timezone

from core.uploads import validate_image
from tenant_apps.events.models import EventSettings, EventStatus

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
TIMEZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


def _local_input(**attrs):
    return forms.DateTimeInput(attrs={"type": "datetime-local", **attrs}, format=DATETIME_FORMAT)


def wall_time(value: datetime | None, tz_name: str) -> datetime | None:
    """A submitted datetime read as a wall-clock time in `tz_name` (Django parsed it in the
    current time zone)."""
    if value is None:
        return None
    naive = timezone.make_naive(value) if timezone.is_aware(value) else value
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(tz_name))


def local_initial(value: datetime | None, tz_name: str) -> str:
    if value is None:
        return ""
    return value.astimezone(zoneinfo.ZoneInfo(tz_name)).strftime(DATETIME_FORMAT)


class EventForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=20_000,
        help_text="Markdown: **bold**, lists, links.",
    )
    cover = forms.FileField(
        required=False, help_text="JPEG, PNG, GIF or WebP, up to 5 MB.", label="Cover image"
    )
    remove_cover = forms.BooleanField(required=False, label="Remove the current cover image")
    venue_name = forms.CharField(max_length=200, required=False, label="Venue")
    address = forms.CharField(max_length=500, required=False)
    online_url = forms.URLField(
        max_length=500,
        required=False,
        label="Online link",
        assume_scheme="https",
        help_text="For an online or hybrid event: the stream or meeting address.",
    )
    starts_at = forms.DateTimeField(
        widget=_local_input(), input_formats=[DATETIME_FORMAT], label="Starts"
    )
    ends_at = forms.DateTimeField(
        widget=_local_input(), input_formats=[DATETIME_FORMAT], label="Ends"
    )
    timezone = forms.ChoiceField(choices=[(tz, tz) for tz in TIMEZONES], label="Time zone")
    capacity = forms.IntegerField(
        min_value=1, max_value=100_000, help_text="Seats shared by all ticket types."
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=30)
    status = forms.ChoiceField(
        choices=[
            (EventStatus.DRAFT, "Draft (only organizers see it)"),
            (EventStatus.PUBLISHED, "Published"),
        ],
    )

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if cover:
            return validate_image(cover, max_bytes=5 * 1024**2)
        return None

    def clean(self):
        data = super().clean()
        tz = data.get("timezone") or "UTC"
        for field in ("starts_at", "ends_at"):
            if data.get(field):
                data[field] = wall_time(data[field], tz)
        return data


class TicketTypeForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=300, required=False)
    price = forms.DecimalField(
        min_value=0, max_digits=10, decimal_places=2, initial=0, help_text="0 for a free ticket."
    )
    quantity = forms.IntegerField(min_value=1, max_value=100_000)
    max_per_order = forms.IntegerField(
        min_value=1, max_value=100, initial=10, label="Most per order"
    )
    sales_start = forms.DateTimeField(
        widget=_local_input(), input_formats=[DATETIME_FORMAT], required=False, label="Sales start"
    )
    sales_end = forms.DateTimeField(
        widget=_local_input(), input_formats=[DATETIME_FORMAT], required=False, label="Sales end"
    )
    position = forms.IntegerField(min_value=0, max_value=1000, initial=0, required=False)

    def __init__(self, *args, tz_name: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.tz_name = tz_name
        self.fields["sales_start"].help_text = f"In {tz_name}; empty: on sale now."
        self.fields["sales_end"].help_text = "Empty: until the event starts."

    def clean(self):
        data = super().clean()
        for field in ("sales_start", "sales_end"):
            if data.get(field):
                data[field] = wall_time(data[field], self.tz_name)
        return data


class RegistrationForm(forms.Form):
    name = forms.CharField(max_length=200, label="Your name")
    email = forms.EmailField(max_length=254, label="Email (your tickets are sent here)")
    pay_offline = forms.BooleanField(required=False, label="I will pay at the door")

    def __init__(self, *args, ticket_types=(), allow_offline=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket_types = list(ticket_types)
        for ticket_type in self.ticket_types:
            limit = max(0, min(getattr(ticket_type, "available", 0), ticket_type.max_per_order))
            self.fields[f"qty_{ticket_type.pk}"] = forms.IntegerField(
                min_value=0,
                max_value=max(limit, 0),
                initial=0,
                required=False,
                label=ticket_type.name,
                disabled=not getattr(ticket_type, "is_on_sale", True),
            )
        if not allow_offline:
            del self.fields["pay_offline"]

    def rows(self):
        return [(ticket_type, self[f"qty_{ticket_type.pk}"]) for ticket_type in self.ticket_types]

    def items(self) -> dict[int, int]:
        return {
            ticket_type.pk: self.cleaned_data.get(f"qty_{ticket_type.pk}") or 0
            for ticket_type in self.ticket_types
            if self.cleaned_data.get(f"qty_{ticket_type.pk}")
        }

    def clean(self):
        data = super().clean()
        if not self.errors and not self.items():
            raise forms.ValidationError("Choose at least one ticket.")
        return data


class WaitlistForm(forms.Form):
    ticket_type = forms.TypedChoiceField(coerce=int, label="Ticket")
    name = forms.CharField(max_length=200, label="Your name")
    email = forms.EmailField(max_length=254)

    def __init__(self, *args, ticket_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket_type"].choices = [(t.pk, t.name) for t in ticket_types]


class CheckInForm(forms.Form):
    code = forms.CharField(
        max_length=200,
        label="Ticket code",
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = EventSettings
        fields = ["hold_minutes", "waitlist_offer_hours", "allow_offline_payment", "require_login"]
        widgets = {
            "hold_minutes": forms.NumberInput(attrs={"min": 1, "max": 240}),
            "waitlist_offer_hours": forms.NumberInput(attrs={"min": 1, "max": 168}),
        }
