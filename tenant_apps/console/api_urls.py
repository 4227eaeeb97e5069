app_name = "console-api"
urlpatterns: list = []
