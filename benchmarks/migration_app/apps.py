from django.apps import AppConfig


class BenchNotesConfig(AppConfig):
    name = "benchmarks.migration_app"
    label = "bench_notes"
    default_auto_field = "django.db.models.BigAutoField"
