from django.utils.translation import pgettext_lazy
from wagtail.snippets.models import register_snippet

from home.snippets import TranslatableSnippetViewSet

from .models import NewsTag


class NewsTagViewSet(TranslatableSnippetViewSet):
    model = NewsTag
    icon = "tag"
    menu_label = pgettext_lazy("news", "Tags")
    list_display = ["name", "slug"]
    search_fields = ["name"]


register_snippet(NewsTagViewSet)
