from django.urls import path

from .views import all_news_feed

urlpatterns = [
    path("rss.xml", all_news_feed, name="news_feed"),
]
