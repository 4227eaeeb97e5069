from rest_framework.routers import SimpleRouter

from tenant_apps.links import api

app_name = "links-api"

router = SimpleRouter()
router.register("short-links", api.ShortLinkViewSet, basename="short-link")
router.register("bookmarks", api.BookmarkViewSet, basename="bookmark")

urlpatterns = router.urls
