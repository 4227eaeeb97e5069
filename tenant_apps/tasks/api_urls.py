app_name = "tasks-api"

urlpatterns: list = []
