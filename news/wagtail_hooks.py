from django.urls import path
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from home.snippets import TranslatableSnippetViewSet

from .models import NewsTag
from .views import tag_suggestions


class NewsTagViewSet(TranslatableSnippetViewSet):
    model = NewsTag
    icon = "tag"
    menu_label = pgettext_lazy("news", "Tags")
    list_display = ["name", "slug"]


register_snippet(NewsTagViewSet)


@hooks.register("register_admin_urls")
def register_tag_suggestions():
    return [path("news/tags/suggestions/<str:language_code>/", tag_suggestions, name="news_tag_suggestions")]
