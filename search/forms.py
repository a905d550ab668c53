from urllib.parse import urlencode

from django import forms
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from home.forms import within_the_calendar

from .terms import MAX_QUERY_LENGTH, Query


class DateInput(forms.DateInput):
    """A date typed as the page writes dates (14/10/2020), in the formats of
    portal/formats/<language>/; ISO dates (2020-10-14, as the language switcher's links carry them)
    are read too. Not the browser's date picker: it shows dates as the browser's language does, and
    an English browser on a Vietnamese page would read 01/05/2020 as the fifth of January."""

    def __init__(self):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", "size": 10})


class DateField(forms.DateField):
    def bound_data(self, data, initial):
        """A date sent in another format (2020-10-14) is shown back as the page writes it."""
        try:
            return self.to_python(data) or data
        except forms.ValidationError:
            return data


def date_field(label):
    return DateField(
        label=label,
        required=False,
        widget=DateInput(),
        help_text=_("day/month/year"),
        validators=[within_the_calendar],
        error_messages={"invalid": _("Enter a date such as 14/10/2020.")},
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=pgettext_lazy("site search", "Search for"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.SearchInput,
        error_messages={"max_length": _("Search for at most %(limit_value)d characters (you typed %(show_value)d).")},
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        error_messages={"invalid_choice": _("Choose a category from the list.")},
    )
    date_from = date_field(pgettext_lazy("date range", "From"))
    date_to = date_field(pgettext_lazy("date range", "To"))

    def __init__(self, data, categories, depth):
        """`categories`: the news categories of the site in the visitor's language, in tree
        order; `depth`: the depth of their home page, to indent sub-categories."""
        super().__init__(data)
        self.categories = {str(category.pk): category for category in categories}
        self.fields["category"].choices = [("", _("All categories"))] + [
            (key, "\u2014 " * (category.depth - depth - 1) + category.title)
            for key, category in self.categories.items()
        ]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", _("The end date comes before the start date."))
        cleaned["query"] = Query.parse(cleaned.get("q") or "", get_language())
        cleaned["category"] = self.categories.get(cleaned.get("category") or "")
        return cleaned

    @property
    def has_filters(self):
        return any(self.cleaned_data.get(name) for name in ("category", "date_from", "date_to"))

    def language_neutral_query(self):
        """The query string of this search on the site's other languages: the words and dates,
        dates as ISO (which every language reads); not the category, a page of one language."""
        data = self.cleaned_data
        parts = {"q": data.get("q"), "date_from": data.get("date_from"), "date_to": data.get("date_to")}
        return urlencode({name: str(value) for name, value in parts.items() if value})
