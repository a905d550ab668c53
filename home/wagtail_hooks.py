from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet

from .models import AgencyProfile, Department, InfoBox
from .snippets import TranslatableSnippetViewSet


class AgencyProfileViewSet(TranslatableSnippetViewSet):
    model = AgencyProfile
    icon = "home"
    menu_label = _("Agency profiles")
    list_display = ["name", "phone", "email"]
    search_fields = ["name"]


class InfoBoxViewSet(TranslatableSnippetViewSet):
    model = InfoBox
    icon = "info-circle"
    menu_label = _("Information boxes")
    list_display = ["title"]


class DepartmentViewSet(TranslatableSnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    list_display = ["name"]
    search_fields = ["name"]


register_snippet(AgencyProfileViewSet)
register_snippet(DepartmentViewSet)
register_snippet(InfoBoxViewSet)
