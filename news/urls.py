from django.urls import path
from django.utils.translation import pgettext_lazy

from .views import all_news_feed, tagged_news

urlpatterns = [
    path("rss.xml", all_news_feed, name="news_feed"),
    # /vi/tu-khoa/<slug>/ and /en/tag/<slug>/: a tag's translations share its slug.
    path(pgettext_lazy("URL path", "tag/<slug:slug>/"), tagged_news, name="tagged_news"),
]
