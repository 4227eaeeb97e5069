"""The forum: categories, threads, posts, votes, tags, moderation and reading state. Tables live
in every tenant schema. Counters (reply counts, scores, reputation) are kept by the services with
conditional F() updates and can be rebuilt by `tasks.recount_forum`."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse

MAX_TITLE = 200
MAX_BODY = 50_000
MAX_BIO = 2_000
MAX_TAGS = 5


class ForumSettings(models.Model):
    """The site's forum settings: one row per tenant (id is always 1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    approve_first_posts = models.PositiveSmallIntegerField(
        default=0,
        help_text="A new member's first N posts wait for a moderator's approval (0: off).",
    )
    allow_downvotes = models.BooleanField(default=True)
    edit_window_minutes = models.PositiveIntegerField(
        default=0, help_text="Members may edit their posts for this long (0: always)."
    )

    class Meta:
        verbose_name = "forum settings"
        verbose_name_plural = "forum settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="forum_settings_single"),
            models.CheckConstraint(
                condition=Q(approve_first_posts__lte=20), name="forum_settings_approve_max"
            ),
        ]

    def __str__(self) -> str:
        return "Forum settings"


class Category(models.Model):
    class Kind(models.TextChoices):
        DISCUSSION = "discussion", "Discussion"
        QUESTIONS = "qa", "Questions and answers"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Everyone, visitors included"
        MEMBERS = "members", "Signed-in members"
        STAFF = "staff", "Moderators and admins"

    class Posting(models.TextChoices):
        MEMBERS = "members", "Members start threads and reply"
        REPLY_ONLY = "reply_only", "Moderators start threads, members reply"
        MODERATORS = "moderators", "Moderators only"

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80)
    description = models.TextField(max_length=2000, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.DISCUSSION)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    posting = models.CharField(max_length=16, choices=Posting.choices, default=Posting.MEMBERS)
    thread_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(Lower("slug"), name="forum_category_slug_ci_unique"),
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="forum_category_not_own_parent"
            ),
            models.CheckConstraint(condition=Q(kind__in=["discussion", "qa"]), name="forum_kind"),
            models.CheckConstraint(
                condition=Q(visibility__in=["public", "members", "staff"]),
                name="forum_category_visibility",
            ),
            models.CheckConstraint(
                condition=Q(posting__in=["members", "reply_only", "moderators"]),
                name="forum_category_posting",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:category", args=[self.slug])

    @property
    def is_questions(self) -> bool:
        return self.kind == self.Kind.QUESTIONS


class Tag(models.Model):
    name = models.CharField(max_length=30)
    slug = models.SlugField(max_length=30)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("slug"), name="forum_tag_slug_ci_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:tag", args=[self.slug])


class Thread(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(max_length=MAX_TITLE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="threads")
    created_at = models.DateTimeField(auto_now_add=True)
    last_post_at = models.DateTimeField(db_index=True)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_count = models.PositiveIntegerField(default=0)
    score = models.IntegerField(default=0)  # the opening post's votes
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    is_approved = models.BooleanField(default=True)
    slow_mode_seconds = models.PositiveIntegerField(default=0)
    accepted_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-is_pinned", "-last_post_at", "-id"]
        indexes = [
            models.Index(fields=["category", "-last_post_at"], name="forum_thread_cat_latest"),
            models.Index(fields=["-score"], name="forum_thread_score"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(slow_mode_seconds__lte=86_400), name="forum_thread_slow_mode_max"
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="forum_thread_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:thread", args=[self.pk])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="forum_posts"
    )
    is_opening = models.BooleanField(default=False)
    # The thread's title on its opening post (empty on replies), so that one generated search
    # vector covers titles and bodies and the search needs no join to rank.
    heading = models.CharField(max_length=MAX_TITLE, blank=True)
    body = models.TextField(max_length=MAX_BODY)
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    mentions = models.JSONField(default=list, blank=True)  # handles that were notified
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    edit_count = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    score = models.IntegerField(default=0)
    is_approved = models.BooleanField(default=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    search_vector = models.GeneratedField(
        expression=SearchVector("heading", weight="A", config="english")
        + SearchVector("body", weight="B", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="forum_post_search_gin"),
            models.Index(fields=["thread", "created_at"], name="forum_post_thread_created"),
            models.Index(fields=["author", "-created_at"], name="forum_post_author_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["thread"], condition=Q(is_opening=True), name="forum_one_opening_post"
            ),
            models.CheckConstraint(
                condition=~Q(reply_to=F("id")), name="forum_post_not_reply_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        return reverse("forum:post", args=[self.pk])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_visible(self) -> bool:
        return self.is_approved and not self.is_hidden and self.deleted_at is None


class PostRevision(models.Model):
    """The text a post had before an edit. The newest revision is the post itself."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    heading = models.CharField(max_length=MAX_TITLE, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Revision of post {self.post_id}"


class Vote(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="forum_one_vote_per_user"),
            models.CheckConstraint(condition=Q(value__in=[-1, 1]), name="forum_vote_value"),
        ]

    def __str__(self) -> str:
        return f"{self.value:+d} on {self.post_id}"


class Profile(models.Model):
    """A member's forum side: handle for @mentions, avatar, bio and their counters."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="forum_profile",
    )
    handle = models.SlugField(max_length=30)
    bio = models.TextField(max_length=MAX_BIO, blank=True)
    avatar = models.ImageField(upload_to="forum/avatars/", blank=True, max_length=300)
    post_count = models.PositiveIntegerField(default=0)
    reputation = models.IntegerField(default=0)
    suspended_until = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["handle"]
        constraints = [models.UniqueConstraint(Lower("handle"), name="forum_profile_handle_ci")]

    def __str__(self) -> str:
        return f"@{self.handle}"

    def get_absolute_url(self) -> str:
        return reverse("forum:profile", args=[self.handle])


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abusive or harassing"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Something else"

    class Resolution(models.TextChoices):
        OPEN = "", "Open"
        DISMISSED = "dismissed", "Dismissed"
        ACTIONED = "actioned", "Post hidden"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolution = models.CharField(max_length=16, choices=Resolution.choices, default="", blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="forum_one_open_report_per_reporter",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=["spam", "abuse", "off_topic", "other"]),
                name="forum_report_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Report on post {self.post_id}"


class ThreadRead(models.Model):
    """How far a member has read a thread: the "new since your last visit" marker."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="forum_one_read_per_thread")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id}"


class Watch(models.Model):
    """A member watching a thread or a category (exactly one of them)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(thread__isnull=True, category__isnull=False)
                | Q(thread__isnull=False, category__isnull=True),
                name="forum_watch_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=Q(thread__isnull=False),
                name="forum_watch_thread_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=Q(category__isnull=False),
                name="forum_watch_category_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.thread_id or self.category_id}"
