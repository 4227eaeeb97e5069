app_name = "forum-api"

urlpatterns: list = []
