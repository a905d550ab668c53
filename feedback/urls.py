from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "feedback"

# The paths are translated (/vi/binh-chon/3/, /en/polls/3/); the language switcher maps one to
# the other. Survey ids are those of the surveys in the default language.
urlpatterns = [
    path(pgettext_lazy("URL path; keep <int:pk>", "polls/<int:pk>/"), views.survey_page, name="survey"),
    path(pgettext_lazy("URL path; keep <int:pk>", "polls/<int:pk>/vote/"), views.vote, name="vote"),
    path(pgettext_lazy("URL path", "polls/csrf/"), views.csrf_token, name="csrf"),
]
