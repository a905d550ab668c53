from django import template
from wagtail.models import Site

from ..forms import VoteForm

register = template.Library()


@register.simple_tag(takes_context=True)
def vote_form(context, survey):
    """An empty vote form for the sidebar box of `survey`, its ids apart from another poll's box."""
    site = Site.find_for_request(context.get("request"))
    return VoteForm(survey, site=site, auto_id=f"poll-{survey.source.pk}-%s")
