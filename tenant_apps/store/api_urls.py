app_name = "store-api"

urlpatterns: list = []
