from django.contrib import admin

from tenant_apps.tasks.models import (
    Activity,
    Attachment,
    ChecklistItem,
    Column,
    Comment,
    Label,
    Project,
    ProjectMember,
    RecurrenceSeries,
    SavedFilter,
    Task,
    TaskSettings,
    Team,
)


class ColumnInline(admin.TabularInline):
    model = Column
    extra = 0


class MemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "owner", "is_private", "created_at", "deleted_at"]
    list_filter = ["is_private", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["name"]
    raw_id_fields = ["owner", "created_by"]
    inlines = [ColumnInline, MemberInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


class ChecklistInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "project", "column", "priority", "due_at", "completed_at"]
    list_filter = ["priority", "project"]
    search_fields = ["title", "description"]
    list_select_related = ["project", "column"]
    raw_id_fields = ["project", "column", "series", "created_by", "assignees", "watchers"]
    readonly_fields = ["rank", "version", "created_at", "updated_at"]
    inlines = [ChecklistInline]


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "colour", "project"]
    list_select_related = ["project"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["task", "author", "created_at"]
    raw_id_fields = ["task", "author"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "task", "size", "uploaded_by", "created_at"]
    raw_id_fields = ["task", "uploaded_by"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["created_at", "project", "task", "actor", "text"]
    list_select_related = ["project", "task", "actor"]
    raw_id_fields = ["project", "task", "actor"]


@admin.register(RecurrenceSeries)
class RecurrenceSeriesAdmin(admin.ModelAdmin):
    list_display = ["rule", "kind", "project", "starts_at", "is_active"]


@admin.register(SavedFilter)
class SavedFilterAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "project"]
    raw_id_fields = ["user", "project"]


@admin.register(TaskSettings)
class TaskSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "members_may_create_projects", "due_soon_hours", "summary_hour"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from django.core.cache import cache

        cache.delete("tasks:settings")
