"""The deploy's new migration: a column and an index on it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bench_notes", "0001_initial")]
    operations = [
        migrations.AddField("note", "label", models.CharField(max_length=40, null=True)),
        migrations.AddIndex("note", models.Index(fields=["label"], name="bench_note_label_idx")),
    ]
