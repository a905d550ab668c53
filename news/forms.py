from django.urls import reverse
from wagtail.admin.widgets import AdminTagWidget

from home.forms import PortalPageForm


class ArticleTagWidget(AdminTagWidget):
    """Wagtail's tag input, suggesting the tags of one language."""

    def __init__(self, *args, language_code, **kwargs):
        self.language_code = language_code
        super().__init__(*args, **kwargs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = reverse("news_tag_suggestions", args=[self.language_code])
        context["widget"]["attrs"]["data-w-tag-url-value"] = url
        return context


class NewsArticleForm(PortalPageForm):
    """An article's edit form: its tag input suggests the tags of the article's language, the
    only ones it can be given (ArticleTags)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("tags")
        if field is not None and self.instance.locale_id is not None:
            field.widget = ArticleTagWidget(
                tag_model=field.widget.tag_model,
                free_tagging=field.widget.free_tagging,
                language_code=self.instance.locale.language_code,
            )
