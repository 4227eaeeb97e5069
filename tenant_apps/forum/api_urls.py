from django.urls import path
from rest_framework.routers import SimpleRouter

from tenant_apps.forum import api

app_name = "forum-api"

router = SimpleRouter()
router.register("categories", api.CategoryViewSet, basename="category")
router.register("threads", api.ThreadViewSet, basename="thread")
router.register("posts", api.PostViewSet, basename="post")
router.register("tags", api.TagViewSet, basename="tag")
router.register("reports", api.ReportViewSet, basename="report")
router.register("profiles", api.ProfileViewSet, basename="profile")

urlpatterns = [
    path("search/", api.SearchView.as_view(), name="search"),
    path("settings/", api.SettingsView.as_view(), name="settings"),
    path("uploads/", api.UploadView.as_view(), name="upload"),
    *router.urls,
]
