from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "tenant_apps.forum"
    label = "forum"
    verbose_name = "Forum"

    def ready(self) -> None:
        from tenant_apps.forum import (
            demo,  # noqa: F401  (registers the demo data)
            selectors,
        )
        from tenant_apps.notifications.registry import register_kind, register_topic

        register_kind("forum.reply", "Forum: replies to my threads and posts", default="each")
        register_kind("forum.mention", "Forum: mentions of me", default="each")
        register_kind(
            "forum.watched", "Forum: new posts in threads and categories I watch", default="digest"
        )
        register_kind("forum.accepted", "Forum: my answer was accepted", default="off")
        register_topic("forum.thread", selectors.can_follow_thread)
