from django import forms

from tenant_apps.forum.models import MAX_BIO, MAX_BODY, MAX_TITLE, Category, Report

BODY_HELP = "Markdown: **bold**, _italic_, `code`, ```fenced code```, > quotes, @handle to mention."


class ThreadForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.none())
    title = forms.CharField(max_length=MAX_TITLE, min_length=3)
    body = forms.CharField(
        label="Message",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=BODY_HELP,
    )
    tags = forms.CharField(
        required=False, max_length=200, help_text="Up to 5, separated by spaces or commas."
    )

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = (
            categories if categories is not None else Category.objects.none()
        )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=BODY_HELP,
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditPostForm(forms.Form):
    title = forms.CharField(max_length=MAX_TITLE, min_length=3, required=False)
    tags = forms.CharField(
        required=False, max_length=200, help_text="Up to 5, separated by spaces or commas."
    )
    body = forms.CharField(
        label="Message", max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 10})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, is_opening=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_opening:
            del self.fields["title"]
            del self.fields["tags"]
        else:
            self.fields["title"].required = True


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Report.Reason.choices, widget=forms.RadioSelect)
    message = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional, unless the reason is 'Something else'.",
    )


class ProfileForm(forms.Form):
    handle = forms.CharField(max_length=30, help_text="People mention you with @handle.")
    bio = forms.CharField(
        required=False, max_length=MAX_BIO, widget=forms.Textarea(attrs={"rows": 4})
    )
    avatar = forms.ImageField(required=False, help_text="JPEG, PNG, GIF or WebP, up to 5 MB.")
    remove_avatar = forms.BooleanField(required=False, label="Remove my avatar")


class SuspendForm(forms.Form):
    days = forms.IntegerField(min_value=0, max_value=3650, help_text="0 lifts the suspension.")
    reason = forms.CharField(required=False, max_length=300)


class SettingsForm(forms.Form):
    approve_first_posts = forms.IntegerField(
        min_value=0,
        max_value=20,
        label="Posts of a new member that wait for approval",
        help_text="A moderator approves a new member's first posts before others see them.",
    )
    allow_downvotes = forms.BooleanField(required=False, label="Allow down votes")
    edit_window_minutes = forms.IntegerField(
        min_value=0,
        max_value=525_600,
        label="Members may edit their posts for (minutes)",
        help_text="0: always. Moderators can always edit.",
    )


class CategoryForm(forms.Form):
    name = forms.CharField(max_length=80)
    slug = forms.SlugField(
        max_length=80, required=False, help_text="The web address; made from the name if empty."
    )
    description = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        required=False,
        empty_label="(top level)",
        help_text="Make it a sub-category of…",
    )
    kind = forms.ChoiceField(choices=Category.Kind.choices)
    visibility = forms.ChoiceField(choices=Category.Visibility.choices, label="Who may read")
    posting = forms.ChoiceField(choices=Category.Posting.choices, label="Who may post")
    position = forms.IntegerField(
        min_value=0, max_value=100_000, required=False, help_text="Lower comes first."
    )

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Category.objects.filter(parent__isnull=True)
        if instance is not None:
            parents = parents.exclude(pk=instance.pk)
        self.fields["parent"].queryset = parents


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    category = forms.SlugField(required=False, max_length=80)
    author = forms.CharField(required=False, max_length=31, help_text="@handle")
    tag = forms.SlugField(required=False, max_length=30)
    after = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    before = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class UploadForm(forms.Form):
    image = forms.FileField()
