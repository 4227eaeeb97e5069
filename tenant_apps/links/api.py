"""REST API of the links app, with the same permissions as the pages: members read every short
link and manage their own (moderators and admins manage all); bookmarks are private to their
owner unless shared, and only the owner changes them."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tenant_apps.links import selectors, services
from tenant_apps.links.models import Bookmark, RedirectType, ShortLink
from tenant_apps.members.permissions import HasRole
from tenants.context import current_organization


class TagListField(serializers.ListField):
    child = serializers.CharField(max_length=50)

    def to_representation(self, data):
        return [tag.name for tag in data.all()]


class ShortLinkSerializer(serializers.ModelSerializer):
    short_url = serializers.SerializerMethodField()
    alias = serializers.CharField(max_length=64, required=False, allow_blank=True, write_only=True)
    tags = TagListField(required=False, max_length=20)
    password = serializers.CharField(
        max_length=128, required=False, allow_blank=True, write_only=True
    )
    redirect_type = serializers.ChoiceField(choices=RedirectType.choices, required=False)
    has_password = serializers.BooleanField(read_only=True)

    class Meta:
        model = ShortLink
        fields = [
            "id", "code", "short_url", "alias", "target_url", "title", "tags", "expires_at",
            "max_clicks", "password", "has_password", "redirect_type", "is_enabled",
            "click_count", "created_at",
        ]  # fmt: skip
        read_only_fields = ["code", "click_count", "created_at"]
        extra_kwargs = {"target_url": {"validators": []}, "max_clicks": {"min_value": 1}}

    def get_short_url(self, link) -> str:
        return self.context["request"].build_absolute_uri(f"/{link.code}")


class BookmarkSerializer(serializers.ModelSerializer):
    tags = TagListField(required=False, max_length=20)
    owner = serializers.StringRelatedField()

    class Meta:
        model = Bookmark
        fields = [
            "id", "url", "title", "description", "notes", "tags", "folder", "is_unread",
            "is_archived", "is_shared", "owner", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["folder", "owner", "created_at", "updated_at"]
        extra_kwargs = {"url": {"validators": []}}


class StatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    unique_visitors = serializers.IntegerField()
    days = serializers.ListField(child=serializers.ListField())
    referrers = serializers.ListField(child=serializers.ListField())
    browsers = serializers.ListField(child=serializers.ListField())
    devices = serializers.ListField(child=serializers.ListField())
    systems = serializers.ListField(child=serializers.ListField())


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="Search code, title and destination"),
        OpenApiParameter("tag", str, description="Only links with this tag"),
    ]
)
class ShortLinkViewSet(viewsets.ModelViewSet):
    permission_classes = [HasRole]
    serializer_class = ShortLinkSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        params = self.request.query_params
        return selectors.short_links(
            query=params.get("q", "")[:200], tag=params.get("tag", "")[:50]
        )

    def _args(self, data, link=None):
        keys = ("target_url", "title", "expires_at", "max_clicks", "redirect_type")
        args = {key: data[key] for key in keys if key in data}
        if link is not None:
            for key in keys:
                args.setdefault(key, getattr(link, key))
            args["tags"] = data.get("tags", [t.name for t in link.tags.all()])
            args["password"] = data.get("password")
            args["is_enabled"] = data.get("is_enabled", link.is_enabled)
        else:
            args["tags"] = data.get("tags", [])
            args["password"] = data.get("password", "")
            args["alias"] = data.get("alias", "")
        return args

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = services.create_short_link(
            organization=current_organization(),
            user=request.user,
            **self._args(serializer.validated_data),
        )
        return Response(self.get_serializer(link).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        link = self.get_object()
        serializer = self.get_serializer(link, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        link = services.update_short_link(
            organization=current_organization(), user=request.user, link=link,
            **self._args(serializer.validated_data, link),
        )  # fmt: skip
        return Response(self.get_serializer(link).data)

    def destroy(self, request, *args, **kwargs):
        services.delete_short_link(user=request.user, link=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses=StatsSerializer,
        parameters=[OpenApiParameter("days", int, description="1 to 365, default 30")],
        summary="Clicks over time and breakdowns for one link",
    )
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        try:
            days = int(request.query_params.get("days", 30))
        except ValueError:
            days = 0
        if not 1 <= days <= 365:
            raise serializers.ValidationError({"days": ["Enter a number of days from 1 to 365."]})
        stats = selectors.click_stats(link=self.get_object(), days=days)
        return Response(
            {
                "total": stats.total,
                "unique_visitors": stats.unique_visitors,
                "days": [[day.isoformat(), count] for day, count in stats.days],
                "referrers": stats.referrers,
                "browsers": stats.browsers,
                "devices": stats.devices,
                "systems": stats.systems,
            }
        )


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="Search title, URL, description, notes, tag"),
        OpenApiParameter("tag", str),
        OpenApiParameter("state", str, enum=["unread", "archived", "all"]),
        OpenApiParameter("scope", str, enum=["mine", "shared"]),
    ]
)
class BookmarkViewSet(viewsets.ModelViewSet):
    permission_classes = [HasRole]
    serializer_class = BookmarkSerializer
    # Tells the OpenAPI schema the model (so `{id}` is an integer); get_queryset decides at run
    # time, and `.none()` would give nothing if it were ever used instead.
    queryset = Bookmark.objects.none()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        params = self.request.query_params
        scope = "shared" if params.get("scope") == "shared" else "mine"
        if self.action != "list":
            scope = "mine"  # only the owner may read one by id, edit or delete it
        return selectors.bookmarks_for(
            user=self.request.user,
            query=params.get("q", "")[:200],
            tag=params.get("tag", "")[:50],
            state=params.get("state", "all" if self.action != "list" else ""),
            scope=scope,
        )

    def _args(self, data, bookmark=None):
        keys = ("url", "title", "description", "notes", "is_unread", "is_archived", "is_shared")
        args = {key: data[key] for key in keys if key in data}
        if bookmark is not None:
            for key in keys:
                args.setdefault(key, getattr(bookmark, key))
            args["tags"] = data.get("tags", [t.name for t in bookmark.tags.all()])
        else:
            args["tags"] = data.get("tags", [])
        return args

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bookmark = services.save_bookmark(
            user=request.user, **self._args(serializer.validated_data)
        )
        return Response(self.get_serializer(bookmark).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        bookmark = self.get_object()
        serializer = self.get_serializer(bookmark, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        bookmark = services.save_bookmark(
            user=request.user, bookmark=bookmark, **self._args(serializer.validated_data, bookmark)
        )
        return Response(self.get_serializer(bookmark).data)

    def destroy(self, request, *args, **kwargs):
        services.delete_bookmark(user=request.user, bookmark=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=inline_serializer(
            "BulkTagsIn",
            {
                "ids": serializers.ListField(child=serializers.IntegerField(), max_length=500),
                "add": serializers.ListField(
                    child=serializers.CharField(max_length=50), required=False
                ),
                "remove": serializers.ListField(
                    child=serializers.CharField(max_length=50), required=False
                ),
            },
        ),
        responses=inline_serializer("BulkTagsOut", {"updated": serializers.IntegerField()}),
        summary="Add and remove tags on several of your bookmarks",
    )
    @action(detail=False, methods=["post"], url_path="bulk-tags")
    def bulk_tags(self, request):
        # A JSON body may be a string, a number or a list: only an object has the fields.
        data = request.data if isinstance(request.data, dict) else {}
        ids = data.get("ids")
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids) or len(ids) > 500:
            raise serializers.ValidationError({"ids": ["Give a list of up to 500 bookmark ids."]})
        add, remove = data.get("add", []), data.get("remove", [])
        for name, value in (("add", add), ("remove", remove)):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise serializers.ValidationError({name: ["Give a list of tag names."]})
        count = services.bulk_edit_tags(user=request.user, bookmark_ids=ids, add=add, remove=remove)
        return Response({"updated": count})
