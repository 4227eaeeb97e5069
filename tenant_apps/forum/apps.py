from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "tenant_apps.forum"
    label = "forum"
    verbose_name = "Forum"
