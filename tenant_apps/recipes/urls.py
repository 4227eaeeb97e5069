from django.urls import path

from tenant_apps.recipes import views

app_name = "recipes"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("import/", views.import_recipe, name="import"),
    path("parse/", views.parse_preview, name="parse_preview"),
    path("settings/", views.settings_page, name="settings"),
    path("<int:recipe_id>/", views.detail, name="detail"),
    path("<int:recipe_id>/edit/", views.edit, name="edit"),
    path("<int:recipe_id>/delete/", views.delete, name="delete"),
    path("<int:recipe_id>/print/", views.print_view, name="print"),
    path("<int:recipe_id>/recipe.jsonld", views.export_jsonld, name="jsonld"),
    path("<int:recipe_id>/rate/", views.rate, name="rate"),
    path("<int:recipe_id>/comments/", views.comment, name="comment"),
    path(
        "<int:recipe_id>/comments/<int:comment_id>/delete/",
        views.delete_comment,
        name="delete_comment",
    ),
    path("<int:recipe_id>/favourite/", views.favourite, name="favourite"),
    path("<int:recipe_id>/collect/", views.collect, name="collect"),
    path("collections/", views.collections, name="collections"),
    path("collections/<int:collection_id>/", views.collection_detail, name="collection"),
    path(
        "collections/<int:collection_id>/delete/",
        views.delete_collection,
        name="delete_collection",
    ),
    path("plan/", views.planner, name="planner"),
    path("plan/add/", views.plan_add, name="plan_add"),
    path("plan/<int:entry_id>/remove/", views.plan_remove, name="plan_remove"),
    path("shopping/", views.shopping_lists, name="shopping_lists"),
    path("shopping/<int:list_id>/", views.shopping_list, name="shopping_list"),
    path("shopping/<int:list_id>/items/", views.add_item, name="add_item"),
    path("shopping/<int:list_id>/items/<int:item_id>/", views.toggle_item, name="toggle_item"),
    path("shopping/<int:list_id>/delete/", views.delete_shopping_list, name="delete_shopping_list"),
]
