"""Forum full-text search over 100,000 posts: median time of the search page's queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/platform REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python benchmarks/forum_search.py [--posts 100000] [--rounds 15]

Runs on a throwaway database with a throwaway organization (its own tenant schema). Generates
the posts in SQL (5,000 threads of 20 posts, 40 words each from a 3,000-word vocabulary with a
skewed, Zipf-like frequency, so some words are common and most are rare), lets the generated
`search_vector` column and its GIN index fill as they would in production, then ANALYZEs.

Each measured search is exactly what the search page runs for its first page: the ranked query
(`selectors.search_posts`: websearch_to_tsquery, ts_rank ordering, ts_headline snippets for the
20 shown) and the paginator's COUNT. Queries mix one-word searches from frequent to rare and
two-word searches. Printed: the median (and p90) over every query and round, and the same
searches done by an unindexed ILIKE scan of the bodies (the baseline, measured in the same run),
with the ratio. Target: under 50 ms at the median. Exits 1 on a miss.
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import time

from harness import median_ms, percentile_ms, setup_django, throwaway_database

TARGET_MS = 50.0


def vocabulary(size: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ren", "sa", "to", "vel", "dri", "po", "nu", "gar", "shi",
                 "ben", "qua", "zo", "lin", "ter", "mo", "fra", "chi"]  # fmt: skip
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words, key=lambda w: (len(w), w))


def generate(*, organization, posts: int, words: list[str]) -> None:
    from django.db import connection

    from shared_apps.accounts.models import User
    from tenant_apps.forum import services
    from tenant_apps.forum.models import Category

    owner = User.objects.get(email="owner@bench.test")
    categories = [
        services.create_category(acting_user=owner, name=f"Category {i}") for i in range(5)
    ]
    threads = max(1, posts // 20)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO forum_thread (category_id, title, author_id, created_at, last_post_at,
                reply_count, score, is_pinned, is_locked, is_approved, slow_mode_seconds, version)
            SELECT (ARRAY[%s, %s, %s, %s, %s])[1 + g %% 5], 'Thread ' || g, %s,
                   now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval,
                   19, 0, false, false, true, 0, 1
            FROM generate_series(1, %s) AS g
            """,
            [*[c.pk for c in categories], owner.pk, threads],
        )
        cursor.execute("SELECT id FROM forum_thread ORDER BY id")
        thread_ids = [row[0] for row in cursor.fetchall()]
        # Each post draws 40 words with a skewed index (random()^3), so a few words are in most
        # posts and most words in few. Rows go in with COPY; the generated search_vector and
        # its GIN index are filled by PostgreSQL as they would be for posts written one by one.
        rng = random.Random(11)
        size = len(words)
        columns = (
            "thread_id, author_id, is_opening, heading, body, mentions, created_at, edit_count, "
            "version, score, is_approved, is_hidden, hidden_reason"
        )
        now = time.time()
        with cursor.cursor.copy(f"COPY forum_post ({columns}) FROM STDIN") as copy:
            for index in range(posts):
                thread_number = index // 20
                thread_id = thread_ids[thread_number % len(thread_ids)]
                opening = index % 20 == 0
                body = " ".join(words[int(size * rng.random() ** 3)] for _ in range(40))
                created = dt.datetime.fromtimestamp(now - (posts - index) * 30, tz=dt.UTC)
                copy.write_row(
                    (
                        thread_id,
                        owner.pk,
                        opening,
                        f"Thread {thread_number + 1}" if opening else "",
                        body,
                        "[]",
                        created,
                        0,
                        1,
                        0,
                        True,
                        False,
                        "",
                    )
                )
        cursor.execute("ANALYZE forum_post")
        cursor.execute("ANALYZE forum_thread")
        cursor.execute("ANALYZE forum_category")
    for category in Category.objects.all():
        services.recount_category(category.pk)


def queries(words: list[str]) -> list[str]:
    ranks = [30, 60, 120, 250, 500, 900, 1500, 2200, 2900]
    singles = [words[r] for r in ranks if r < len(words)]
    pairs = [f"{words[a]} {words[b]}" for a, b in [(40, 300), (100, 700), (200, 1200), (10, 2000)]]
    return singles + pairs


def time_search(user, query: str) -> tuple[float, int]:
    from django.core.paginator import Paginator

    from tenant_apps.forum import selectors

    started = time.perf_counter()
    page = Paginator(selectors.search_posts(user, selectors.SearchFilters(q=query)), 20).get_page(1)
    rows = [(post.pk, post.snippet) for post in page]
    count = page.paginator.count
    elapsed = time.perf_counter() - started
    assert len(rows) == min(20, count)
    return elapsed, count


def explain_search(user, query: str) -> None:
    """Print the plan of the slowest query, so that a regression shows where the time went."""
    from tenant_apps.forum import selectors

    queryset = selectors.search_posts(user, selectors.SearchFilters(q=query))[:20]
    print(f"plan of the slowest query {query!r}:")
    for line in queryset.explain(analyze=True).splitlines():
        print(f"    {line}")


def time_ilike(query: str) -> float:
    from django.db.models import Q

    from tenant_apps.forum.models import Post

    started = time.perf_counter()
    condition = Q()
    for word in query.split():
        condition &= Q(body__icontains=word)
    queryset = Post.objects.filter(
        condition, is_approved=True, is_hidden=False, deleted_at__isnull=True
    )
    list(queryset.order_by("-created_at")[:20])
    queryset.count()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    setup_django()
    with throwaway_database():
        sys.exit(run(args.posts, args.rounds))


def run(posts: int, rounds: int) -> int:
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from shared_apps.signup.services import sign_up_organization
    from tenants.context import tenant_context

    organization = sign_up_organization(
        name="Bench",
        subdomain="bench",
        owner_email="owner@bench.test",
        owner_password="Sturdy-Passphrase-42",
    ).organization
    words = vocabulary(3000)
    with tenant_context(organization):
        started = time.perf_counter()
        generate(organization=organization, posts=posts, words=words)
        print(f"generated {posts:,} posts in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_relation_size('forum_post_search_gin'))")
            print(f"GIN index size: {cursor.fetchone()[0]}")
        user = AnonymousUser()
        searches = queries(words)
        for query in searches:  # warm the cache once, and show what each query matches
            _elapsed, count = time_search(user, query)
            print(f"  {query!r:40} matches {count:6,} posts")
        fts: list[float] = []
        per_query: dict[str, list[float]] = {q: [] for q in searches}
        for _ in range(rounds):
            for query in searches:
                elapsed, _count = time_search(user, query)
                fts.append(elapsed)
                per_query[query].append(elapsed)
        ilike = [time_ilike(query) for _ in range(max(1, rounds // 5)) for query in searches]
        slowest = max(per_query, key=lambda q: statistics.median(per_query[q]))
        explain_search(user, slowest)
    connection.set_schema_to_public()

    slowest = max(per_query, key=lambda q: statistics.median(per_query[q]))
    median = median_ms(fts)
    baseline = median_ms(ilike)
    print(f"full-text search: median {median:.1f} ms, p90 {percentile_ms(fts, 0.9):.1f} ms "
          f"({len(fts)} searches over {posts:,} posts)")  # fmt: skip
    print(f"slowest query {slowest!r}: median {median_ms(per_query[slowest]):.1f} ms")
    print(f"baseline unindexed ILIKE scan: median {baseline:.1f} ms ({len(ilike)} searches)")
    print(f"full-text search is {baseline / median:.1f}x faster than the ILIKE scan")
    ok = median < TARGET_MS
    print(f"target median < {TARGET_MS:.0f} ms: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    main()
