from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from core import uploads
from tenant_apps.recipes.models import Course, DietaryTag, Meal, Publishers, Recipe, UnitSystem

MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000


def validate_image(upload):
    """The platform's image check (core.uploads) with the recipes' limits: a real JPEG, PNG,
    WebP or GIF of at most 8 MB and 40 megapixels, within the plan's storage, re-encoded with
    its orientation applied and its EXIF location dropped. None passes through (no photo)."""
    if upload is None:
        return None
    return uploads.validate_image(upload, max_bytes=MAX_IMAGE_BYTES, max_pixels=MAX_IMAGE_PIXELS)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several images in one input; each is checked like a single upload."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > 12:
            raise ValidationError("Add at most 12 photos at a time.")
        cleaned = []
        for upload in files:
            cleaned.append(validate_image(super().clean(upload, initial)))
        return cleaned


class RecipeForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20_000
    )
    servings = forms.IntegerField(min_value=1, max_value=500, initial=4)
    prep_minutes = forms.IntegerField(
        min_value=0, max_value=10_000, required=False, label="Prep time (minutes)"
    )
    cook_minutes = forms.IntegerField(
        min_value=0, max_value=10_000, required=False, label="Cook time (minutes)"
    )
    cuisine = forms.CharField(max_length=60, required=False, help_text="Italian, Thai, Mexican…")
    course = forms.ChoiceField(choices=[("", "—"), *Course.choices], required=False)
    tags = forms.ModelMultipleChoiceField(
        queryset=DietaryTag.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Dietary tags",
    )
    ingredients = forms.CharField(
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "hx-post": reverse_lazy("recipes:parse_preview"),
                "hx-trigger": "input changed delay:400ms, load",
                "hx-target": "#ingredient-preview",
                "hx-swap": "innerHTML",
            }
        ),
        required=False,
        max_length=50_000,
        help_text="One a line, as you would write it: “2 1/2 cups flour, sifted”, “salt to taste”.",
    )
    image = forms.ImageField(required=False, help_text="JPEG, PNG, WebP or GIF, up to 8 MB.")
    remove_image = forms.BooleanField(required=False, label="Remove the current photo")
    photos = MultipleImageField(
        required=False, label="More photos", help_text="Up to 12 in all; JPEG, PNG, WebP or GIF."
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20_000
    )
    source_url = forms.URLField(
        required=False, max_length=500, label="Source link", assume_scheme="https"
    )
    status = forms.ChoiceField(choices=Recipe.Status.choices, initial=Recipe.Status.DRAFT)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_image(self):
        return validate_image(self.cleaned_data.get("image"))


class StepForm(forms.Form):
    step_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        label="Instructions",
    )
    timer_minutes = forms.IntegerField(
        min_value=1, max_value=7 * 24 * 60, required=False, label="Timer (minutes)"
    )
    image = forms.ImageField(required=False, label="Photo")
    remove_image = forms.BooleanField(required=False, label="Remove photo")

    def clean_image(self):
        return validate_image(self.cleaned_data.get("image"))


class StepFormSet(
    forms.formset_factory(
        StepForm, extra=2, max_num=60, validate_max=True, can_delete=True, can_order=True
    )
):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"].label = "Position"
        form.fields["ORDER"].help_text = "Change the numbers to reorder the steps."
        form.fields["ORDER"].widget.attrs.update(min=1, max=60)
        form.fields["DELETE"].label = "Delete this step"


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(coerce=int, choices=[(i, f"{i} ★") for i in range(1, 6)])


class CommentForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Comment"
    )


class CollectionForm(forms.Form):
    name = forms.CharField(max_length=100)


class ImportForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=2_000_000,
        label="Page source or JSON-LD",
        help_text="Open the recipe page, view its source (Ctrl+U), copy it all and paste it here.",
    )


class PlanForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    meal = forms.ChoiceField(choices=Meal.choices)
    recipe = forms.IntegerField(widget=forms.Select)
    servings = forms.IntegerField(min_value=1, max_value=500, required=False)

    def __init__(self, *args, recipe_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipe"].widget.choices = list(recipe_choices)


class ShoppingRangeForm(forms.Form):
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class ShoppingItemForm(forms.Form):
    text = forms.CharField(
        max_length=200, label="Add an item", help_text="For example “2 l milk” or “kitchen roll”."
    )


class SettingsForm(forms.Form):
    default_unit_system = forms.ChoiceField(choices=UnitSystem.choices, label="Default units")
    who_may_publish = forms.ChoiceField(choices=Publishers.choices, label="Who may publish")
    allow_comments = forms.BooleanField(required=False, label="Members may comment on recipes")


class DietaryTagForm(forms.Form):
    name = forms.CharField(max_length=50, label="New dietary tag")
