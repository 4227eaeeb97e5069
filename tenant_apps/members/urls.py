from django.urls import path

from tenant_apps.members import views

app_name = "members"
urlpatterns = [
    path("members/invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("settings/api-tokens/", views.api_tokens, name="api_tokens"),
    path(
        "settings/api-tokens/<int:token_id>/revoke/",
        views.revoke_api_token,
        name="revoke_api_token",
    ),
]
