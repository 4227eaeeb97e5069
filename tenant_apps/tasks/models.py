"""Teams, projects, boards and tasks. Tables live in every tenant schema.

Card order: each task has a `rank`, a base-36 fraction compared byte by byte ("C" collation),
so a card moved between two others gets a key between theirs and no other card changes.
(column, rank) is unique: two concurrent moves can never leave two cards on one spot.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

USER = settings.AUTH_USER_MODEL


class TaskSettings(models.Model):
    """The site's task board settings: one row per tenant (id is always 1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    members_may_create_projects = models.BooleanField(
        default=True, help_text="When off, only moderators, admins and the owner create projects."
    )
    due_soon_hours = models.PositiveSmallIntegerField(
        default=24, help_text="How many hours before the due time assignees get a reminder."
    )
    summary_hour = models.PositiveSmallIntegerField(
        default=8, help_text="Local hour (0-23) after which the daily summary email goes out."
    )

    class Meta:
        verbose_name = "task settings"
        verbose_name_plural = "task settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="tasks_settings_single"),
            models.CheckConstraint(
                condition=Q(due_soon_hours__gte=1, due_soon_hours__lte=336),
                name="tasks_settings_due_soon_range",
            ),
            models.CheckConstraint(
                condition=Q(summary_hour__lte=23), name="tasks_settings_summary_hour_range"
            ),
        ]

    def __str__(self) -> str:
        return "Task settings"


class Team(models.Model):
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    members = models.ManyToManyField(USER, blank=True, related_name="task_teams")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="tasks_team_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, max_length=5000)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    owner = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_task_projects"
    )
    is_private = models.BooleanField(
        default=False, help_text="Only project members see a private project."
    )
    members = models.ManyToManyField(
        USER, through="ProjectMember", related_name="task_projects", blank=True
    )
    task_counter = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # Owned by a team or by a person, never both. (A person-owned project whose owner
            # account was deleted keeps working: its managers still run it.)
            models.CheckConstraint(
                condition=Q(team__isnull=True) | Q(owner__isnull=True),
                name="tasks_project_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class ProjectMember(models.Model):
    class Role(models.TextChoices):
        MANAGER = "manager", "Manager"
        MEMBER = "member", "Member"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="task_memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="tasks_member_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["manager", "member"]), name="tasks_member_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.project}"


class Column(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="columns")
    name = models.CharField(max_length=50)
    position = models.PositiveSmallIntegerField()
    is_done = models.BooleanField(default=False, help_text="Tasks here count as completed.")

    class Meta:
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "position"],
                name="tasks_column_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.UniqueConstraint("project", Lower("name"), name="tasks_column_name_ci_unique"),
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_done=True), name="tasks_column_one_done"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Label(models.Model):
    class Colour(models.TextChoices):
        GREY = "grey", "Grey"
        RED = "red", "Red"
        ORANGE = "orange", "Orange"
        GREEN = "green", "Green"
        BLUE = "blue", "Blue"
        PURPLE = "purple", "Purple"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(max_length=40)
    colour = models.CharField(max_length=10, choices=Colour.choices, default=Colour.GREY)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("project", Lower("name"), name="tasks_label_name_ci_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Priority(models.IntegerChoices):
    NONE = 0, "None"
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"
    URGENT = 4, "Urgent"


class RecurrenceSeries(models.Model):
    """A repeating task. Each occurrence is a Task with this series and its local date;
    (series, occurrence_date) is unique, so an occurrence is never created twice."""

    class Kind(models.TextChoices):
        DAILY = "daily", "Every day"
        WEEKLY = "weekly", "Every week on chosen days"
        MONTHLY = "monthly", "Every month"
        CUSTOM = "custom", "Custom rule (RRULE)"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="series")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    rule = models.CharField(max_length=500, help_text="RFC 5545 RRULE, without DTSTART")
    starts_at = models.DateTimeField(help_text="Due time of the first occurrence")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "recurrence series"

    def __str__(self) -> str:
        return self.rule


class Task(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveIntegerField()
    # RESTRICT: a column with tasks cannot be deleted alone (delete_column moves them first),
    # but deleting the whole project takes both.
    column = models.ForeignKey(Column, on_delete=models.RESTRICT, related_name="tasks")
    rank = models.CharField(max_length=1024, db_collation="C")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=20000)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NONE)
    due_at = models.DateTimeField(null=True, blank=True)
    assignees = models.ManyToManyField(USER, blank=True, related_name="assigned_tasks")
    watchers = models.ManyToManyField(USER, blank=True, related_name="watched_tasks")
    labels = models.ManyToManyField(Label, blank=True, related_name="tasks")
    series = models.ForeignKey(
        RecurrenceSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    occurrence_date = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)  # optimistic lock for edits
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["column__position", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["column", "rank"], name="tasks_task_rank_unique"),
            models.UniqueConstraint(fields=["project", "number"], name="tasks_task_number_unique"),
            models.UniqueConstraint(
                fields=["series", "occurrence_date"], name="tasks_task_occurrence_unique"
            ),
            models.CheckConstraint(condition=Q(priority__lte=4), name="tasks_task_priority_valid"),
            models.CheckConstraint(condition=~Q(rank=""), name="tasks_task_rank_not_empty"),
        ]
        indexes = [models.Index(fields=["due_at"]), models.Index(fields=["project", "column"])]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None


class ChecklistItem(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(max_length=300)
    is_done = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Comment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


class Attachment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attachments")
    file_name = models.CharField(max_length=300)  # name in private storage
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Activity(models.Model):
    """One change of a task (or of its project's board), in words and data."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activity")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="activity"
    )
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    verb = models.CharField(max_length=40)
    text = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "activity"

    def __str__(self) -> str:
        return self.text


class SavedFilter(models.Model):
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="task_filters")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="saved_filters"
    )
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=1000)  # the filter form's query string

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("user", Lower("name"), name="tasks_filter_name_ci_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CalendarFeed(models.Model):
    """A private iCalendar feed of one user's due tasks. Only a hash of the token is stored;
    resetting makes a new token, revoking deletes the row."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="task_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class Reminder(models.Model):
    """A reminder already sent: one per task, kind and due time, so a reminder never goes out
    twice, and a new due time gets a new one."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16)  # "due_soon", "overdue"
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "due_at"], name="tasks_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder for task {self.task_id}"


class DailySummary(models.Model):
    """A daily summary email already sent to a user for a local date."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "daily summaries"
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="tasks_summary_once")]

    def __str__(self) -> str:
        return f"Summary for user {self.user_id} on {self.date}"
