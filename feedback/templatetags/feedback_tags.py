from django import template

from ..forms import VoteForm

register = template.Library()


@register.simple_tag
def vote_form(survey):
    """An empty vote form for the sidebar box of `survey`, its ids apart from another poll's box."""
    return VoteForm(survey, auto_id=f"poll-{survey.source.pk}-%s")
