from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        from .models import NewsIndexPage

        # Wagtail builds a routable page's URL resolver on first use and stores it on the class;
        # a thread doing so while another reads the class's attributes makes the other fail
        # ("dictionary changed size during iteration"). Built here, before any request.
        NewsIndexPage.get_resolver()
