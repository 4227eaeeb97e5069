"""REST API of the forum, with the same permissions as the pages: anyone reads public
categories; members post, vote, report and watch; moderators moderate; admins manage categories
and settings. Every change goes through tenant_apps.forum.services."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import PermissionDenied
from core.openapi import ApiError
from tenant_apps.forum import permissions as perms
from tenant_apps.forum import selectors, services
from tenant_apps.forum.models import (
    MAX_BODY,
    MAX_TITLE,
    Category,
    Post,
    Profile,
    Report,
    Tag,
    Thread,
)
from tenant_apps.members.permissions import HasRole, IsAdmin, IsModerator


class ReadOrMember(BasePermission):
    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or HasRole().has_permission(request, view)


PUBLIC_READ = [IsAuthenticatedOrReadOnly, ReadOrMember]


# -- serializers ---------------------------------------------------------------------------


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    handle = serializers.SerializerMethodField()
    reputation = serializers.SerializerMethodField()

    def _profile(self, user):
        return getattr(user, "forum_profile", None) if user is not None else None

    def get_handle(self, user) -> str | None:
        try:
            return user.forum_profile.handle
        except Profile.DoesNotExist:
            return None

    def get_reputation(self, user) -> int:
        try:
            return user.forum_profile.reputation
        except Profile.DoesNotExist:
            return 0


@extend_schema_serializer(component_name="ForumCategory")  # unique across the apps
class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), allow_null=True, required=False
    )
    slug = serializers.CharField(max_length=80, required=False, allow_blank=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "parent",
            "position",
            "kind",
            "visibility",
            "posting",
            "thread_count",
            "post_count",
        ]
        read_only_fields = ["thread_count", "post_count"]
        extra_kwargs = {"position": {"required": False, "min_value": 0, "max_value": 100_000}}


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "slug", "description"]


class ThreadSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(read_only=True, allow_null=True)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    is_unread = serializers.SerializerMethodField()

    class Meta:
        model = Thread
        fields = [
            "id",
            "category",
            "title",
            "author",
            "tags",
            "created_at",
            "last_post_at",
            "reply_count",
            "score",
            "is_pinned",
            "is_locked",
            "is_approved",
            "slow_mode_seconds",
            "accepted_post",
            "merged_into",
            "is_unread",
        ]
        read_only_fields = fields

    def get_is_unread(self, thread) -> bool | None:
        if not hasattr(thread, "last_read_at"):
            return None
        return thread.last_read_at is None or thread.last_post_at > thread.last_read_at


class ThreadCreateSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    title = serializers.CharField(max_length=MAX_TITLE)
    body = serializers.CharField(max_length=MAX_BODY, help_text="Markdown.")
    tags = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, max_length=5
    )


class ThreadUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=MAX_TITLE, required=False)
    body = serializers.CharField(max_length=MAX_BODY, required=False)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, max_length=5
    )
    version = serializers.IntegerField(
        required=False, help_text="The opening post's version you read: a stale edit gets a 409."
    )


class ModerateThreadSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["pin", "unpin", "lock", "unlock", "slow_mode", "move", "merge"]
    )
    slow_mode_seconds = serializers.IntegerField(required=False, min_value=0, max_value=86_400)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False)
    target = serializers.PrimaryKeyRelatedField(
        queryset=Thread.objects.filter(deleted_at__isnull=True), required=False
    )


class PostSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(read_only=True, allow_null=True)
    body = serializers.SerializerMethodField()
    html = serializers.SerializerMethodField()
    my_vote = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    is_deleted = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id",
            "thread",
            "author",
            "is_opening",
            "body",
            "html",
            "reply_to",
            "created_at",
            "edited_at",
            "edit_count",
            "version",
            "score",
            "my_vote",
            "is_approved",
            "is_hidden",
            "is_deleted",
        ]
        read_only_fields = fields

    def _shows_text(self, post) -> bool:
        request = self.context.get("request")
        return (
            post.is_visible
            or (request is not None and perms.is_moderator(request.user))
            or (not post.is_approved and post.deleted_at is None)
        )

    def get_body(self, post) -> str:
        return post.body if self._shows_text(post) else ""

    def get_html(self, post) -> str:
        from core.markdown import render_markdown

        return str(render_markdown(post.body)) if self._shows_text(post) else ""

    def get_is_deleted(self, post) -> bool:
        return post.deleted_at is not None


class PostCreateSerializer(serializers.Serializer):
    thread = serializers.IntegerField()
    body = serializers.CharField(max_length=MAX_BODY, help_text="Markdown.")
    reply_to = serializers.IntegerField(required=False, allow_null=True)


class PostUpdateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_BODY)
    version = serializers.IntegerField(
        required=False, help_text="The version you read: a stale edit gets a 409."
    )


class VoteSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=[1, 0, -1], help_text="1 up, -1 down, 0 withdraw.")


class ReportCreateSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    message = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ReportSerializer(serializers.ModelSerializer):
    reporter = AuthorSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "post",
            "reporter",
            "reason",
            "message",
            "created_at",
            "resolution",
            "resolved_at",
        ]
        read_only_fields = fields


class ResolveSerializer(serializers.Serializer):
    hide = serializers.BooleanField(help_text="True hides the post; false dismisses the report.")


class HideSerializer(serializers.Serializer):
    hidden = serializers.BooleanField(default=True)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ApproveSerializer(serializers.Serializer):
    approve = serializers.BooleanField(default=True)


class AcceptSerializer(serializers.Serializer):
    post = serializers.IntegerField(
        allow_null=True, help_text="The reply to accept; null clears it."
    )


class WatchSerializer(serializers.Serializer):
    watching = serializers.BooleanField()


class RevisionSerializer(serializers.Serializer):
    body = serializers.CharField()
    heading = serializers.CharField()
    edited_by = serializers.CharField(source="edited_by.display_name", default=None)
    created_at = serializers.DateTimeField()


class ProfileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.display_name", read_only=True)
    avatar = serializers.ImageField(read_only=True, allow_null=True)

    class Meta:
        model = Profile
        fields = [
            "user",
            "handle",
            "name",
            "bio",
            "avatar",
            "post_count",
            "reputation",
            "suspended_until",
        ]
        read_only_fields = ["user", "name", "avatar", "post_count", "reputation", "suspended_until"]


class SuspendSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=0, max_value=3650, help_text="0 lifts the suspension."
    )
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class SearchResultSerializer(serializers.Serializer):
    post = serializers.IntegerField(source="pk")
    thread = serializers.IntegerField(source="thread_id")
    title = serializers.CharField(source="thread.title")
    category = serializers.CharField(source="thread.category.slug")
    author = AuthorSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    rank = serializers.FloatField()
    snippet = serializers.SerializerMethodField(
        help_text="HTML, matches in <mark>, everything else escaped."
    )

    def get_snippet(self, post) -> str:
        return str(selectors.snippet_html(post.snippet))


@extend_schema_serializer(component_name="ForumSettings")  # unique across the apps
class SettingsSerializer(serializers.Serializer):
    approve_first_posts = serializers.IntegerField(min_value=0, max_value=20)
    allow_downvotes = serializers.BooleanField()
    edit_window_minutes = serializers.IntegerField(min_value=0, max_value=525_600)


class UploadSerializer(serializers.Serializer):
    image = serializers.FileField()


# -- views ---------------------------------------------------------------------------------


def _id(pk) -> int:
    if not str(pk).isdigit():
        raise Http404
    return int(pk)


def _thread(request, pk) -> Thread:
    thread = selectors.thread_for(request.user, _id(pk))
    if thread is None:
        raise Http404
    return thread


def _post(request, pk) -> Post:
    post = selectors.post_for(request.user, _id(pk))
    if post is None:
        raise Http404
    return post


# A category that still holds threads or sub-categories cannot be deleted: 409.
@extend_schema_view(destroy=extend_schema(responses={204: None, 409: ApiError}))
class CategoryViewSet(viewsets.ModelViewSet):
    """Categories the caller may read, in order. Admins create, change and delete them."""

    serializer_class = CategorySerializer
    permission_classes = PUBLIC_READ

    def get_queryset(self):
        return selectors.readable_categories(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.create_category(acting_user=self.request.user, **data)

    def perform_update(self, serializer):
        serializer.instance = services.update_category(
            acting_user=self.request.user, category=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_category(acting_user=self.request.user, category=instance)


THREAD_FILTERS = [
    OpenApiParameter(
        "category", OpenApiTypes.STR, description="Category slug (its sub-categories included)."
    ),
    OpenApiParameter("tag", OpenApiTypes.STR, description="Tag slug."),
    OpenApiParameter("author", OpenApiTypes.STR, description="Author's @handle."),
    OpenApiParameter(
        "sort", OpenApiTypes.STR, enum=sorted(selectors.SORTS), description="Default latest."
    ),
]


@extend_schema(tags=["forum"])
class ThreadViewSet(viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Threads. Members start them (POST) in categories they may post in; the author or a
    moderator edits the title/tags/opening post (PATCH) or deletes the thread (DELETE)."""

    serializer_class = ThreadSerializer
    permission_classes = PUBLIC_READ

    def get_queryset(self):
        params = self.request.query_params
        category = tag = None
        author_id = None
        if params.get("category"):
            category = selectors.category_by_slug(self.request.user, params["category"])
            if category is None:
                raise DRFValidationError({"category": ["No such category."]})
        if params.get("tag"):
            tag = Tag.objects.filter(slug__iexact=params["tag"]).first()
            if tag is None:
                raise DRFValidationError({"tag": ["No such tag."]})
        if params.get("author"):
            profile = selectors.profile_by_handle(params["author"].lstrip("@"))
            if profile is None:
                raise DRFValidationError({"author": ["Nobody has this handle."]})
            author_id = profile.user_id
        sort = params.get("sort", "latest")
        if sort not in selectors.SORTS:
            raise DRFValidationError(
                {"sort": [f"Choose one of {', '.join(sorted(selectors.SORTS))}."]}
            )
        return selectors.thread_list(
            self.request.user, category=category, tag=tag, author_id=author_id, sort=sort
        )

    def get_object(self):
        return _thread(self.request, self.kwargs["pk"])

    @extend_schema(parameters=THREAD_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ThreadCreateSerializer, responses={201: ThreadSerializer})
    def create(self, request):
        data = ThreadCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        category = data.validated_data["category"]
        if not perms.can_read_category(request.user, category):
            raise DRFValidationError({"category": ["No such category."]})
        thread = services.create_thread(
            author=request.user,
            category=category,
            title=data.validated_data["title"],
            body=data.validated_data["body"],
            tags=data.validated_data.get("tags", []),
        )
        return Response(
            ThreadSerializer(thread, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ThreadUpdateSerializer, responses={200: ThreadSerializer, 409: ApiError})
    def partial_update(self, request, pk=None):
        thread = self.get_object()
        data = ThreadUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        opening = thread.posts.get(is_opening=True)
        values = data.validated_data
        services.edit_post(
            user=request.user,
            post=opening,
            body=values.get("body", opening.body),
            version=values.get("version"),
            title=values.get("title"),
            tags=values.get("tags"),
        )
        return Response(ThreadSerializer(_thread(request, pk), context={"request": request}).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        thread = self.get_object()
        services.delete_post(user=request.user, post=thread.posts.get(is_opening=True))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ModerateThreadSerializer, responses=ThreadSerializer)
    @action(detail=True, methods=["post"])
    def moderate(self, request, pk=None):
        """Moderators: pin/unpin, lock/unlock, slow_mode (slow_mode_seconds), move (category),
        merge (target: this thread's posts join the target)."""
        thread = self.get_object()
        if not perms.is_moderator(request.user):
            raise PermissionDenied("Only moderators can do this.")
        data = ModerateThreadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        act = values["action"]
        if act in ("pin", "unpin"):
            thread = services.set_thread_flags(
                acting_user=request.user, thread=thread, is_pinned=act == "pin"
            )
        elif act in ("lock", "unlock"):
            thread = services.set_thread_flags(
                acting_user=request.user, thread=thread, is_locked=act == "lock"
            )
        elif act == "slow_mode":
            if "slow_mode_seconds" not in values:
                raise DRFValidationError({"slow_mode_seconds": ["Required for slow_mode."]})
            thread = services.set_thread_flags(
                acting_user=request.user,
                thread=thread,
                slow_mode_seconds=values["slow_mode_seconds"],
            )
        elif act == "move":
            if "category" not in values:
                raise DRFValidationError({"category": ["Required for move."]})
            thread = services.move_thread(
                acting_user=request.user, thread=thread, category=values["category"]
            )
        else:
            if "target" not in values:
                raise DRFValidationError({"target": ["Required for merge."]})
            thread = services.merge_threads(
                acting_user=request.user, source=thread, target=values["target"]
            )
        return Response(
            ThreadSerializer(_thread(request, thread.pk), context={"request": request}).data
        )

    @extend_schema(request=AcceptSerializer, responses=ThreadSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Q&A: the thread's author or a moderator accepts a reply as the answer."""
        thread = self.get_object()
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = None
        if data.validated_data["post"] is not None:
            post = Post.objects.filter(pk=data.validated_data["post"], thread=thread).first()
            if post is None:
                raise DRFValidationError({"post": ["Choose a reply of this thread."]})
        services.accept_answer(user=request.user, thread=thread, post=post)
        return Response(ThreadSerializer(_thread(request, pk), context={"request": request}).data)

    @extend_schema(request=WatchSerializer, responses=WatchSerializer)
    @action(detail=True, methods=["post"])
    def watch(self, request, pk=None):
        thread = self.get_object()
        data = WatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        watching = services.set_watch(
            user=request.user, thread=thread, watching=data.validated_data["watching"]
        )
        return Response({"watching": watching})

    @extend_schema(responses={204: None}, request=None)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark the thread read up to now (the page does this on every visit)."""
        services.mark_thread_read(user=request.user, thread=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["forum"])
class PostViewSet(viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Posts of a thread (`?thread=` is required to list). Members reply (POST); the author or
    a moderator edits (PATCH, send `version`) and soft-deletes (DELETE)."""

    serializer_class = PostSerializer
    permission_classes = PUBLIC_READ
    queryset = Post.objects.none()  # for the schema's path parameter type

    def get_queryset(self):
        raw = self.request.query_params.get("thread", "")
        if not raw.isdigit():
            raise DRFValidationError({"thread": ["Give the thread's id."]})
        thread = selectors.thread_for(self.request.user, int(raw))
        if thread is None:
            raise DRFValidationError({"thread": ["No such thread."]})
        return selectors.posts_of(self.request.user, thread)

    def get_object(self):
        return _post(self.request, self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("thread", OpenApiTypes.INT, required=True)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=PostCreateSerializer, responses={201: PostSerializer, 429: ApiError})
    def create(self, request):
        data = PostCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        thread = selectors.thread_for(request.user, data.validated_data["thread"])
        if thread is None:
            raise DRFValidationError({"thread": ["No such thread."]})
        reply_to = None
        if data.validated_data.get("reply_to"):
            reply_to = Post.objects.filter(
                pk=data.validated_data["reply_to"], thread=thread
            ).first()
            if reply_to is None:
                raise DRFValidationError({"reply_to": ["Reply to a post of this thread."]})
        post = services.create_reply(
            author=request.user, thread=thread, body=data.validated_data["body"], reply_to=reply_to
        )
        return Response(
            PostSerializer(post, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=PostUpdateSerializer, responses={200: PostSerializer, 409: ApiError})
    def partial_update(self, request, pk=None):
        post = self.get_object()
        data = PostUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = services.edit_post(
            user=request.user,
            post=post,
            body=data.validated_data["body"],
            version=data.validated_data.get("version"),
        )
        return Response(PostSerializer(post, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.delete_post(user=request.user, post=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=VoteSerializer,
        responses=inline_serializer(
            "VoteResult",
            {"score": serializers.IntegerField(), "my_vote": serializers.IntegerField()},
        ),
    )
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        data = VoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = services.vote(
            user=request.user, post=self.get_object(), value=data.validated_data["value"]
        )
        return Response({"score": post.score, "my_vote": post.my_vote})

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportSerializer, 409: ApiError})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        data = ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_post(
            reporter=request.user, post=self.get_object(), **data.validated_data
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HideSerializer, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """Moderators hide a post or show it again."""
        data = HideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = services.hide_post(
            acting_user=request.user,
            post=self.get_object(),
            reason=data.validated_data.get("reason", ""),
            hidden=data.validated_data["hidden"],
        )
        return Response(PostSerializer(post, context={"request": request}).data)

    @extend_schema(request=ApproveSerializer, responses={200: PostSerializer, 204: None})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Moderators approve (or reject) a post that waits for approval."""
        data = ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = services.approve_post(
            acting_user=request.user, post=self.get_object(), approve=data.validated_data["approve"]
        )
        if post is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(PostSerializer(post, context={"request": request}).data)

    @extend_schema(request=None, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Moderators restore a deleted post."""
        post = services.restore_post(acting_user=request.user, post=self.get_object())
        return Response(PostSerializer(post, context={"request": request}).data)

    @extend_schema(responses=RevisionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def revisions(self, request, pk=None):
        """The post's earlier versions, newest first."""
        post = self.get_object()
        if (post.deleted_at or post.is_hidden) and not perms.is_moderator(request.user):
            raise Http404
        return Response(
            RevisionSerializer(post.revisions.select_related("edited_by"), many=True).data
        )


class TagViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TagSerializer
    permission_classes = PUBLIC_READ
    queryset = Tag.objects.all()


class ReportViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """The moderation queue's open reports (moderators)."""

    serializer_class = ReportSerializer
    permission_classes = [IsModerator]

    def get_queryset(self):
        return selectors.moderation_queue()["reports"]

    @extend_schema(request=ResolveSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        report = get_object_or_404(Report, pk=_id(pk))
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.resolve_report(
            acting_user=request.user, report=report, hide=data.validated_data["hide"]
        )
        return Response(ReportSerializer(report).data)


class ProfileViewSet(viewsets.GenericViewSet, mixins.RetrieveModelMixin):
    """Member profiles by @handle; `me` reads and changes your own; moderators suspend."""

    serializer_class = ProfileSerializer
    permission_classes = PUBLIC_READ
    lookup_field = "handle"
    lookup_value_regex = "[A-Za-z0-9_-]+"

    def get_queryset(self):
        return Profile.objects.select_related("user")

    def get_object(self):
        profile = selectors.profile_by_handle(self.kwargs["handle"])
        if profile is None:
            raise Http404
        return profile

    @extend_schema(methods=["GET"], responses=ProfileSerializer)
    @extend_schema(methods=["PATCH"], request=ProfileSerializer, responses=ProfileSerializer)
    @action(detail=False, methods=["get", "patch"])
    def me(self, request):
        if not perms.is_member(request.user):
            raise PermissionDenied("Sign in to see your profile.")
        if request.method != "PATCH":
            return Response(ProfileSerializer(services.profile_for(request.user)).data)
        body = request.data  # parsed first: a malformed body is refused before anything is made
        # One transaction: a refused change leaves no profile made on first use behind.
        with transaction.atomic():
            profile = services.profile_for(request.user)
            data = ProfileSerializer(profile, data=body, partial=True)
            data.is_valid(raise_exception=True)
            profile = services.update_profile(
                user=request.user,
                handle=data.validated_data.get("handle", profile.handle),
                bio=data.validated_data.get("bio", profile.bio),
            )
        return Response(ProfileSerializer(profile).data)

    @extend_schema(request=SuspendSerializer, responses=ProfileSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, handle=None):
        profile = self.get_object()
        data = SuspendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        days = data.validated_data["days"]
        until = timezone.now() + timedelta(days=days) if days else None
        profile = services.suspend_member(
            acting_user=request.user,
            user=profile.user,
            until=until,
            reason=data.validated_data.get("reason", ""),
        )
        return Response(ProfileSerializer(profile).data)


class SearchView(APIView):
    """Full-text search over titles and posts, best match first, with highlighted snippets."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, required=True, description='Words; "phrase", -word, or.'
            ),
            OpenApiParameter("category", OpenApiTypes.STR, description="Category slug."),
            OpenApiParameter("author", OpenApiTypes.STR, description="@handle."),
            OpenApiParameter("tag", OpenApiTypes.STR, description="Tag slug."),
            OpenApiParameter("after", OpenApiTypes.DATE),
            OpenApiParameter("before", OpenApiTypes.DATE),
        ],
        responses=inline_serializer(
            "PaginatedForumSearchResultList",
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": SearchResultSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        from tenant_apps.forum.forms import SearchForm

        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise DRFValidationError(form.errors)
        data = form.cleaned_data
        if not data["q"].strip():
            raise DRFValidationError({"q": ["Enter words to search for."]})
        filters = selectors.SearchFilters(
            q=data["q"].strip(), after=data["after"], before=data["before"]
        )
        if data["category"]:
            filters.category = selectors.category_by_slug(request.user, data["category"])
            if filters.category is None:
                raise DRFValidationError({"category": ["No such category."]})
        if data["author"]:
            filters.author = selectors.profile_by_handle(data["author"].lstrip("@"))
            if filters.author is None:
                raise DRFValidationError({"author": ["Nobody has this handle."]})
        if data["tag"]:
            filters.tag = Tag.objects.filter(slug__iexact=data["tag"]).first()
            if filters.tag is None:
                raise DRFValidationError({"tag": ["No such tag."]})
        from core.api import Pagination

        paginator = Pagination()
        page = paginator.paginate_queryset(
            selectors.search_posts(request.user, filters), request, view=self
        )
        return paginator.get_paginated_response(SearchResultSerializer(page, many=True).data)


class SettingsView(APIView):
    """The forum settings (admins)."""

    permission_classes = [IsAdmin]

    @extend_schema(responses=SettingsSerializer)
    def get(self, request):
        row = services.get_settings()
        return Response(SettingsSerializer(row).data)

    @extend_schema(request=SettingsSerializer, responses=SettingsSerializer)
    def put(self, request):
        data = SettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.update_settings(acting_user=request.user, **data.validated_data)
        return Response(SettingsSerializer(row).data)


class UploadView(APIView):
    """Upload an image for a post (multipart `image`); answers its URL and Markdown."""

    permission_classes = [HasRole]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={
            201: inline_serializer(
                "UploadResult",
                {"url": serializers.CharField(), "markdown": serializers.CharField()},
            )
        },
    )
    def post(self, request):
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            services.upload_image(user=request.user, file=data.validated_data["image"]),
            status=status.HTTP_201_CREATED,
        )
