from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import AgencyProfile, Department, InfoBox


class AgencyProfileViewSet(SnippetViewSet):
    model = AgencyProfile
    icon = "home"
    menu_label = _("Agency profiles")
    list_display = ["name", "phone", "email"]
    search_fields = ["name"]


class InfoBoxViewSet(SnippetViewSet):
    model = InfoBox
    icon = "info-circle"
    menu_label = _("Information boxes")
    list_display = ["title"]


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    list_display = ["name"]
    search_fields = ["name"]


register_snippet(AgencyProfileViewSet)
register_snippet(DepartmentViewSet)
register_snippet(InfoBoxViewSet)
