import datetime

from django import template
from django.utils import timezone
from wagtail.models import Site

from ..forms import VoteForm

register = template.Library()


@register.simple_tag(takes_context=True)
def vote_form(context, survey):
    """An empty vote form for the sidebar box of `survey`, its ids apart from another poll's box."""
    site = Site.find_for_request(context.get("request"))
    return VoteForm(survey, site=site, auto_id=f"poll-{survey.source.pk}-%s")


@register.filter
def at_midnight(moment):
    """Whether `moment` starts a day in the active time zone: a poll opening then is said to open
    on that day, without a time."""
    return timezone.localtime(moment).time() == datetime.time()
