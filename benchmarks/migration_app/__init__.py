"""A tenant app that exists only in benchmarks/migrations.py: its second migration (a column and
an index) is the "one new migration" a deploy brings to every tenant schema."""
