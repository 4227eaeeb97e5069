"""Short links at the root of the site: /<code>. Mounted last, after every page."""

from django.urls import re_path

from tenant_apps.links import views

urlpatterns = [
    re_path(r"^(?P<code>[A-Za-z0-9_-]{1,64})/?$", views.follow, name="follow"),
]
