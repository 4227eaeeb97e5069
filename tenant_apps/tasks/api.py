"""REST API of the task board, with the same permissions as the pages: every member reads the
projects they may see (private ones only as project members); project members change tasks;
project managers (and admins, for projects that are not private) change projects. Projects
and tasks a user may not see are 404."""

from django.contrib.auth import get_user_model
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.openapi import ApiError
from tenant_apps.members.permissions import HasRole
from tenant_apps.tasks import selectors, services
from tenant_apps.tasks.models import Column, Comment, Priority, Project, Task, Team


class TaskPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class BoardColumnSerializer(serializers.ModelSerializer):
    class Meta:
        model = Column
        fields = ["id", "name", "position", "is_done"]


class TaskProjectSerializer(serializers.ModelSerializer):
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    # A team's project has no owner: its team's members manage it.
    owner = TaskPersonSerializer(read_only=True, allow_null=True)
    columns = serializers.SerializerMethodField()
    my_role = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "description",
            "team",
            "owner",
            "is_private",
            "my_role",
            "columns",
            "created_at",
            "deleted_at",
        ]
        read_only_fields = ["created_at", "deleted_at"]

    def get_columns(self, project) -> list[dict]:
        return BoardColumnSerializer(project.columns.order_by("position"), many=True).data


class TaskLabelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    colour = serializers.CharField()


class TaskSerializer(serializers.ModelSerializer):
    assignees = serializers.ListField(
        child=serializers.IntegerField(), required=False, max_length=20, write_only=True
    )
    labels = serializers.ListField(
        child=serializers.IntegerField(), required=False, max_length=50, write_only=True
    )
    assigned = TaskPersonSerializer(source="assignees", many=True, read_only=True)
    label_list = TaskLabelSerializer(source="labels", many=True, read_only=True)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    column = serializers.IntegerField(source="column_id", required=False)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Task
        fields = [
            "id",
            "project",
            "number",
            "title",
            "description",
            "column",
            "priority",
            "due_at",
            "assignees",
            "assigned",
            "labels",
            "label_list",
            "completed_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", "completed_at", "created_at", "updated_at"]
        extra_kwargs = {"project": {"queryset": Project.objects.all()}}


class TaskCommentSerializer(serializers.ModelSerializer):
    author = TaskPersonSerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["created_at"]


class TaskMoveSerializer(serializers.Serializer):
    column = serializers.IntegerField()
    after = serializers.IntegerField(required=False, allow_null=True)
    before = serializers.IntegerField(required=False, allow_null=True)


class ProjectMemberSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    role = serializers.ChoiceField(choices=["manager", "member"], default="member")


class TaskFilterSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    q = serializers.CharField(required=False, max_length=200, default="")
    assignee = serializers.RegexField(r"^(me|none|\d+)$", required=False, default="")
    column = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=["open", "done"], required=False)
    priority = serializers.ChoiceField(choices=Priority.values, required=False)
    label = serializers.CharField(required=False, max_length=40, default="")
    due_from = serializers.DateField(required=False)
    due_to = serializers.DateField(required=False)
    sort = serializers.ChoiceField(choices=list(selectors.SORTS), required=False)

    def validate(self, data):
        if data.get("due_from") and data.get("due_to") and data["due_to"] < data["due_from"]:
            raise serializers.ValidationError({"due_to": ["The end is before the start."]})
        return data


FILTER_PARAMETERS = [
    OpenApiParameter("project", int, description="Only this project's tasks"),
    OpenApiParameter("q", str, description="Text in the title or description"),
    OpenApiParameter("assignee", str, description="me, none or a user id"),
    OpenApiParameter("column", int, description="Only tasks in this column (status)"),
    OpenApiParameter("status", str, enum=["open", "done"]),
    OpenApiParameter("priority", int, enum=Priority.values),
    OpenApiParameter("label", str, description="A label id, or a label name across projects"),
    OpenApiParameter("due_from", str, description="YYYY-MM-DD, inclusive"),
    OpenApiParameter("due_to", str, description="YYYY-MM-DD, inclusive"),
    OpenApiParameter("sort", str, enum=list(selectors.SORTS)),
]


def _documented(success: dict, *, conflict: bool = False) -> dict:
    """Responses of an operation: its success body, and a 409 when someone else's change can
    refuse it (core.openapi.AutoSchema adds the other errors)."""
    return {**success, 409: ApiError} if conflict else success


def _project_or_404(user, project_id) -> Project:
    project = selectors.project_for(user=user, project_id=project_id)
    if project is None:
        raise Http404
    return project


@extend_schema_view(
    list=extend_schema(responses=_documented({200: TaskProjectSerializer(many=True)})),
    create=extend_schema(responses=_documented({201: TaskProjectSerializer})),
    retrieve=extend_schema(responses=_documented({200: TaskProjectSerializer})),
    partial_update=extend_schema(responses=_documented({200: TaskProjectSerializer})),
    destroy=extend_schema(responses=_documented({204: None}, conflict=True)),
)
class ProjectViewSet(viewsets.ModelViewSet):
    permission_classes = [HasRole]
    serializer_class = TaskProjectSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        deleted = self.action == "restore"
        return selectors.visible_projects(user=self.request.user, deleted=deleted)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project = services.create_project(
            user=request.user,
            name=data["name"],
            description=data.get("description", ""),
            team=data.get("team"),
            is_private=data.get("is_private", False),
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=project.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def partial_update(self, request, *args, **kwargs):
        project = self.get_object()
        serializer = self.get_serializer(project, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        team = data.get("team") if "team" in data and data["team"] != project.team else None
        services.update_project(
            user=request.user,
            project=project,
            name=data.get("name", project.name),
            description=data.get("description", project.description),
            is_private=data.get("is_private", project.is_private),
            team=team,
            owner=request.user
            if "team" in data and data["team"] is None and project.team
            else None,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=project.pk)).data)

    def destroy(self, request, *args, **kwargs):
        services.delete_project(user=request.user, project=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, summary="Restore a deleted project")
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        project = services.restore_project(user=request.user, project=self.get_object())
        return Response(
            self.get_serializer(
                selectors.visible_projects(user=request.user).get(pk=project.pk)
            ).data
        )

    @extend_schema(
        methods=["GET"],
        responses=inline_serializer(
            "ProjectMemberOut",
            {"user": TaskPersonSerializer(), "role": serializers.CharField()},
            many=True,
        ),
        summary="Members of the project",
    )
    @extend_schema(
        methods=["POST"], request=ProjectMemberSerializer, summary="Add a member (managers)"
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def members(self, request, pk=None):
        project = self.get_object()
        if request.method == "POST":
            serializer = ProjectMemberSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            member = get_user_model().objects.filter(pk=serializer.validated_data["user"]).first()
            services.add_project_member(
                user=request.user,
                project=project,
                member=member,
                role=serializer.validated_data["role"],
            )
        return Response(
            [
                {"user": {"id": m.user_id, "name": m.user.display_name}, "role": m.role}
                for m in selectors.members_of(project=project)
            ]
        )

    @extend_schema(request=None, responses={204: None}, summary="Remove a member (unassigns them)")
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<user_id>\d+)")
    def remove_member(self, request, pk=None, user_id=None):
        project = self.get_object()
        member = get_user_model().objects.filter(pk=user_id).first()
        if member is None:
            raise Http404
        services.remove_project_member(user=request.user, project=project, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        parameters=FILTER_PARAMETERS, responses=_documented({200: TaskSerializer(many=True)})
    ),
    create=extend_schema(responses=_documented({201: TaskSerializer})),
    retrieve=extend_schema(responses=_documented({200: TaskSerializer})),
    partial_update=extend_schema(
        responses=_documented({200: TaskSerializer}, conflict=True),
        description="Send the `version` you read: if the task changed since, the answer is a "
        "409 and nothing is written.",
    ),
    destroy=extend_schema(responses=_documented({204: None})),
)
class TaskViewSet(viewsets.ModelViewSet):
    permission_classes = [HasRole]
    serializer_class = TaskSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        if self.action != "list":
            visible = selectors.visible_projects(user=user).values("pk")
            return selectors._card_queryset().filter(project__in=visible)
        params = TaskFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = selectors.TaskFilters(
            q=data.get("q", ""),
            assignee=data.get("assignee", ""),
            column=data.get("column"),
            status=data.get("status", ""),
            priority=data.get("priority"),
            label=data.get("label", ""),
            due_from=data.get("due_from"),
            due_to=data.get("due_to"),
            sort=data.get("sort", "status"),
        )
        if "project" in data:
            project = _project_or_404(user, data["project"])
            return selectors.project_tasks(project=project, user=user, filters=filters)
        visible = selectors.visible_projects(user=user).values("pk")
        queryset = selectors._card_queryset().filter(project__in=visible)
        return selectors.filter_tasks(queryset, user=user, filters=filters)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project = _project_or_404(request.user, data["project"].pk)
        column = None
        if "column_id" in data:
            column = Column.objects.filter(pk=data["column_id"], project=project).first()
            if column is None:
                raise serializers.ValidationError({"column": ["Choose a column of this project."]})
        task = services.create_task(
            user=request.user,
            project=project,
            title=data["title"],
            description=data.get("description", ""),
            column=column,
            priority=data.get("priority", 0),
            due_at=data.get("due_at"),
            assignee_ids=data.get("assignees", []),
            label_ids=data.get("labels", []),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        task = self.get_object()
        task.project = _project_or_404(request.user, task.project_id)
        serializer = self.get_serializer(task, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "project" in data and data["project"].pk != task.project_id:
            raise serializers.ValidationError({"project": ["A task cannot change project."]})
        services.update_task(
            user=request.user,
            task=task,
            version=data.get("version"),
            title=data.get("title"),
            description=data.get("description"),
            priority=data.get("priority"),
            due_at=data.get("due_at", ...),
            assignee_ids=data.get("assignees"),
            label_ids=data.get("labels"),
        )
        if "column_id" in data and data["column_id"] != task.column_id:
            column = Column.objects.filter(pk=data["column_id"], project=task.project).first()
            if column is None:
                raise serializers.ValidationError({"column": ["Choose a column of this project."]})
            services.move_task(user=request.user, task=task, column=column)
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)

    def destroy(self, request, *args, **kwargs):
        task = self.get_object()
        task.project = _project_or_404(request.user, task.project_id)
        services.delete_task(user=request.user, task=task)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _task(self):
        task = self.get_object()
        task.project = _project_or_404(self.request.user, task.project_id)
        return task

    @extend_schema(
        request=TaskMoveSerializer,
        responses=_documented({200: TaskSerializer}),
        summary="Move a card (after / before a neighbour)",
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        task = self._task()
        serializer = TaskMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        column = Column.objects.filter(pk=data["column"], project=task.project).first()
        if column is None:
            raise serializers.ValidationError({"column": ["Choose a column of this project."]})
        services.move_task(
            user=request.user,
            task=task,
            column=column,
            after_id=data.get("after"),
            before_id=data.get("before"),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)

    @extend_schema(
        request=None,
        responses=_documented({200: TaskSerializer}),
        summary="Complete the task (move it to the done column)",
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        task = services.complete_task(user=request.user, task=self._task())
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)

    @extend_schema(methods=["GET"], responses=TaskCommentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=TaskCommentSerializer, responses={201: TaskCommentSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request, pk=None):
        task = self._task()
        if request.method == "POST":
            serializer = TaskCommentSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            comment = services.add_comment(
                user=request.user, task=task, body=serializer.validated_data["body"]
            )
            return Response(TaskCommentSerializer(comment).data, status=201)
        comments = task.comments.select_related("author")
        return Response(TaskCommentSerializer(comments, many=True).data)


class TaskTeamSerializer(serializers.ModelSerializer):
    members = serializers.ListField(
        child=serializers.IntegerField(), required=False, write_only=True
    )
    people = TaskPersonSerializer(source="members", many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "description", "members", "people", "created_at"]
        read_only_fields = ["created_at"]


class TeamViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Every member lists teams; admins create them."""

    permission_classes = [HasRole]
    serializer_class = TaskTeamSerializer

    def get_queryset(self):
        return selectors.teams().order_by("name")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        team = services.save_team(
            acting_user=request.user,
            name=data["name"],
            description=data.get("description", ""),
            member_ids=data.get("members", []),
        )
        return Response(self.get_serializer(team).data, status=201)
