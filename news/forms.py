from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
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
    only ones it can be given (ArticleTags). Its publication date may be back-dated, never later
    than the article goes live: listings sort by it, and a future date would keep the article at
    the top of every listing until that day."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("tags")
        if field is not None and self.instance.locale_id is not None:
            field.widget = ArticleTagWidget(
                tag_model=field.widget.tag_model,
                free_tagging=field.widget.free_tagging,
                language_code=self.instance.locale.language_code,
            )

    def clean(self):
        cleaned_data = super().clean()
        published, go_live, now = cleaned_data.get("publication_date"), cleaned_data.get("go_live_at"), timezone.now()
        # The minute the editor typed may have begun a moment ago.
        if published and published > max(go_live or now, now) + timedelta(minutes=1):
            self.add_error(
                "publication_date",
                _(
                    "The publication date cannot be later than the moment the article goes live. To publish "
                    "it later, set its go-live date/time when scheduling it, and leave this date empty."
                ),
            )
        return cleaned_data
