from django.db import migrations

BUILTIN = [
    ("Vegetarian", "vegetarian"),
    ("Vegan", "vegan"),
    ("Gluten-free", "gluten-free"),
    ("Dairy-free", "dairy-free"),
]


def add_builtins(apps, schema_editor):
    DietaryTag = apps.get_model("recipes", "DietaryTag")
    RecipeSettings = apps.get_model("recipes", "RecipeSettings")
    for name, slug in BUILTIN:
        DietaryTag.objects.get_or_create(slug=slug, defaults={"name": name, "is_builtin": True})
    RecipeSettings.objects.get_or_create(id=1)


class Migration(migrations.Migration):
    dependencies = [("recipes", "0001_initial")]
    operations = [migrations.RunPython(add_builtins, migrations.RunPython.noop)]
