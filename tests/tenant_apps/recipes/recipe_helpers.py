import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tenant_apps.recipes import services
from tenants.context import tenant_context


def make_recipe(
    org, user, *, ingredients="2 cups flour\n2 eggs\nsalt to taste", steps=None, tags=None, **data
):
    with tenant_context(org):
        return services.create_recipe(
            author=user,
            data={"title": "Pancakes", "servings": 4, "status": "published", **data},
            ingredients_text=ingredients,
            steps=steps or [services.StepInput(text="Mix.", timer_minutes=5)],
            tags=tags,
        )


def png_upload(name="photo.png", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 100, 50)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def form_data(**overrides):
    data = {
        "title": "Soup",
        "servings": "2",
        "ingredients": "1 onion\n500 ml stock",
        "status": "published",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-0-text": "Simmer.",
    }
    data.update(overrides)
    return data
