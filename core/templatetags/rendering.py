"""Template filters for user content: `{% load rendering %}` then `{{ post.body|markdown }}`,
`{{ recipe.image|thumbnail:"medium" }}` (core.thumbnails.SIZES)."""

from django import template

from core.markdown import markdown_to_text, render_markdown
from core.thumbnails import thumbnail_url

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(source):
    return render_markdown(source)


@register.filter(name="markdown_mentions")
def markdown_mentions_filter(source, mentions):
    """`{{ post.body|markdown_mentions:mention_urls }}`: Markdown with known @handles linked."""
    return render_markdown(source, mentions=mentions or None)


@register.filter(name="markdown_text")
def markdown_text_filter(source, limit=300):
    return markdown_to_text(source, limit=int(limit))


@register.filter(name="thumbnail")
def thumbnail_filter(image, size="medium"):
    """URL of a public image's thumbnail (an ImageField's file or a stored name); the original's
    URL until the background task has made it; "" for no image."""
    name = getattr(image, "name", image) or ""
    return thumbnail_url(name, size)
