from collections import defaultdict

from django.urls import path
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from home.snippets import TranslatableSnippetIndexView, TranslatableSnippetViewSet
from home.trees import sites_of_paths

from .models import ArticleTag, NewsTag
from .views import tag_suggestions


class NewsTagIndexView(TranslatableSnippetIndexView):
    def paginate_queryset(self, queryset, page_size):
        """The page's tags, each with the sites showing it (`NewsTag.sites_showing`, which the
        permission policy reads for each row's links) read for all of them in one query."""
        paginator, page, tags, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = tags = list(tags)
        paths = defaultdict(set)
        for key, url_path in ArticleTag.objects.filter(
            tag__translation_key__in={tag.translation_key for tag in tags}
        ).values_list("tag__translation_key", "content_object__url_path"):
            paths[key].add(url_path)
        for tag in tags:
            tag.sites_showing = sites_of_paths(paths[tag.translation_key])
        return paginator, page, tags, is_paginated


class NewsTagViewSet(TranslatableSnippetViewSet):
    model = NewsTag
    icon = "tag"
    menu_label = pgettext_lazy("news", "Tags")
    list_display = ["name", "slug"]
    index_view_class = NewsTagIndexView


register_snippet(NewsTagViewSet)


@hooks.register("register_admin_urls")
def register_tag_suggestions():
    return [path("news/tags/suggestions/<str:language_code>/", tag_suggestions, name="news_tag_suggestions")]
