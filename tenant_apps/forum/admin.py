from django.contrib import admin, messages

from tenant_apps.forum import tasks
from tenant_apps.forum.models import (
    Category,
    ForumSettings,
    Post,
    PostRevision,
    Profile,
    Report,
    Tag,
    Thread,
    Vote,
    Watch,
)


@admin.register(ForumSettings)
class ForumSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "approve_first_posts", "allow_downvotes", "edit_window_minutes"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "parent",
        "position",
        "kind",
        "visibility",
        "posting",
        "thread_count",
    ]
    list_filter = ["kind", "visibility", "posting"]
    search_fields = ["name", "slug"]
    readonly_fields = ["thread_count", "post_count"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    fields = ["author", "body", "is_approved", "is_hidden", "deleted_at"]
    readonly_fields = ["author"]
    show_change_link = True


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "category",
        "author",
        "reply_count",
        "score",
        "is_pinned",
        "is_locked",
        "last_post_at",
        "deleted_at",
    ]
    list_filter = ["category", "is_pinned", "is_locked", "is_approved"]
    search_fields = ["title"]
    raw_id_fields = ["author", "last_poster", "accepted_post", "merged_into"]
    readonly_fields = ["reply_count", "score"]
    inlines = [PostInline]
    actions = ["recount"]

    @admin.action(description="Recount every forum counter in the background")
    def recount(self, request, queryset):
        tasks.recount_forum.delay()
        messages.info(request, "The forum's counters are being rebuilt.")


class RevisionInline(admin.TabularInline):
    model = PostRevision
    extra = 0
    readonly_fields = ["body", "heading", "edited_by", "created_at"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "thread",
        "author",
        "created_at",
        "score",
        "is_approved",
        "is_hidden",
        "deleted_at",
    ]
    list_filter = ["is_approved", "is_hidden"]
    search_fields = ["body"]
    raw_id_fields = ["thread", "author", "reply_to", "deleted_by"]
    readonly_fields = ["score", "search_vector"]
    inlines = [RevisionInline]


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["post", "user", "value", "created_at"]
    raw_id_fields = ["post", "user"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["handle", "user", "post_count", "reputation", "suspended_until"]
    search_fields = ["handle", "user__email"]
    readonly_fields = ["post_count", "reputation"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["post", "reporter", "reason", "created_at", "resolution", "resolved_at"]
    list_filter = ["reason", "resolution"]
    raw_id_fields = ["post", "reporter", "resolved_by"]


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ["user", "thread", "category", "created_at"]
    raw_id_fields = ["user", "thread", "category"]
