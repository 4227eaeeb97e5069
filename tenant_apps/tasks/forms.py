from django import forms

from tenant_apps.tasks import recurrence, selectors
from tenant_apps.tasks.models import Label, Priority, ProjectMember, RecurrenceSeries, Team


def _user_choices(users):
    return [(user.pk, user.display_name) for user in users]


class ProjectForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="Me (a personal project)",
        help_text="A team's members all join the project.",
    )
    is_private = forms.BooleanField(
        required=False, label="Private", help_text="Only the project's members see it."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("name")


class SettingsForm(forms.Form):
    members_may_create_projects = forms.BooleanField(required=False)
    due_soon_hours = forms.IntegerField(
        min_value=1, max_value=336, label="Due soon reminder (hours before)"
    )
    summary_hour = forms.IntegerField(
        min_value=0, max_value=23, label="Daily summary after (local hour)"
    )


class TeamForm(forms.Form):
    name = forms.CharField(max_length=80)
    description = forms.CharField(max_length=300, required=False)
    members = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = _user_choices(selectors.site_users())


class MemberForm(forms.Form):
    user = forms.TypedChoiceField(coerce=int, choices=[], label="Person")
    role = forms.ChoiceField(choices=ProjectMember.Role.choices, initial="member")

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        current = set(project.memberships.values_list("user_id", flat=True))
        self.fields["user"].choices = _user_choices(
            [u for u in selectors.site_users() if u.pk not in current]
        )


class ColumnForm(forms.Form):
    name = forms.CharField(max_length=50)
    is_done = forms.BooleanField(required=False, label="Done column")


class DeleteColumnForm(forms.Form):
    move_to = forms.TypedChoiceField(coerce=int, choices=[], label="Move its tasks to")

    def __init__(self, *args, column, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["move_to"].choices = [
            (c.pk, c.name)
            for c in column.project.columns.exclude(pk=column.pk).order_by("position")
        ]


class LabelForm(forms.Form):
    name = forms.CharField(max_length=40)
    colour = forms.ChoiceField(choices=Label.Colour.choices)


class TaskForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        required=False,
        help_text="Markdown: **bold**, lists, links, `code`.",
    )
    column = forms.TypedChoiceField(coerce=int, choices=[], label="Status")
    priority = forms.TypedChoiceField(coerce=int, choices=Priority.choices, initial=0)
    due_at = forms.DateTimeField(
        required=False,
        label="Due",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In the site's time zone.",
    )
    assignees = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
        help_text="Only project members can be assigned.",
    )
    labels = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"].choices = [
            (c.pk, c.name) for c in project.columns.order_by("position")
        ]
        self.fields["assignees"].choices = _user_choices(selectors.member_users(project=project))
        self.fields["labels"].choices = [
            (lab.pk, lab.name) for lab in selectors.labels_of(project=project)
        ]
        if not self.fields["labels"].choices:
            del self.fields["labels"]


class RecurrenceForm(forms.Form):
    kind = forms.ChoiceField(choices=RecurrenceSeries.Kind.choices, label="Repeat")
    weekdays = forms.MultipleChoiceField(
        choices=recurrence.WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="On (weekly)",
    )
    rule = forms.CharField(
        max_length=500,
        required=False,
        label="Custom rule",
        help_text=(
            "RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=1MO (first Monday) or "
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR."
        ),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        label="Comment",
        help_text="Markdown.",
    )


class ChecklistItemForm(forms.Form):
    text = forms.CharField(max_length=300, label="New item")


class AttachmentForm(forms.Form):
    file = forms.FileField(help_text="Images, PDF, text, CSV or zip, up to 10 MB.")


STATUS_CHOICES = [("", "Any"), ("open", "Open"), ("done", "Done")]


class FilterForm(forms.Form):
    """The filters of the list, calendar and "My tasks" (GET)."""

    q = forms.CharField(max_length=200, required=False, label="Text")
    assignee = forms.ChoiceField(required=False, choices=[])
    column = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, choices=[], label="Status"
    )
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)
    priority = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "Any"), *list(Priority.choices)],
    )
    label = forms.ChoiceField(required=False, choices=[])
    due_from = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Due from"
    )
    due_to = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Due until"
    )
    sort = forms.ChoiceField(required=False, choices=selectors.SORT_CHOICES)

    def __init__(self, *args, project=None, label_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            self.fields["assignee"].choices = [("", "Anyone"), ("me", "Me"), ("none", "Nobody")] + [
                (str(u.pk), u.display_name) for u in selectors.member_users(project=project)
            ]
            self.fields["column"].choices = [("", "Any")] + [
                (c.pk, c.name) for c in project.columns.order_by("position")
            ]
            self.fields["label"].choices = [("", "Any")] + [
                (str(lab.pk), lab.name) for lab in selectors.labels_of(project=project)
            ]
            del self.fields["status"]
        else:
            del self.fields["assignee"]
            del self.fields["column"]
            self.fields["label"].choices = [("", "Any")] + [(n, n) for n in label_names]

    def clean_due_to(self):
        due_from, due_to = self.cleaned_data.get("due_from"), self.cleaned_data.get("due_to")
        if due_from and due_to and due_to < due_from:
            raise forms.ValidationError("The end of the due range is before its start.")
        return due_to

    def filters(self) -> selectors.TaskFilters:
        data = self.cleaned_data
        return selectors.TaskFilters(
            q=data.get("q", ""),
            assignee=data.get("assignee", "") or "",
            column=data.get("column"),
            status=data.get("status", "") or "",
            priority=data.get("priority"),
            label=data.get("label", "") or "",
            due_from=data.get("due_from"),
            due_to=data.get("due_to"),
            sort=data.get("sort") or "status",
        )


class SaveFilterForm(forms.Form):
    name = forms.CharField(max_length=60, label="Save this filter as")
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)
