"""The one page of the benchmark server: reads one row of the current schema's data."""

from django.http import HttpResponse
from django.urls import path


def first_account(request):
    from shared_apps.accounts.models import User

    email = User.objects.order_by("pk").values_list("email", flat=True).first()
    return HttpResponse(email or "", content_type="text/plain")


urlpatterns = [path("", first_account)]
