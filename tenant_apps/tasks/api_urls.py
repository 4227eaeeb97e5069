from rest_framework.routers import SimpleRouter

from tenant_apps.tasks import api

app_name = "tasks-api"

router = SimpleRouter()
router.register("projects", api.ProjectViewSet, basename="project")
router.register("tasks", api.TaskViewSet, basename="task")
router.register("teams", api.TeamViewSet, basename="team")

urlpatterns = router.urls
