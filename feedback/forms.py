from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from home.models import Department
from home.text import fold
from home.translation import foreign_language
from home.trees import in_site

from .models import COMMENT_MAX_LENGTH, SurveyResponse

# The honeypot (feedback/includes/honeypot.html): a field people never see (hidden by CSS and
# from assistive technology) that form-filling robots fill in; such a vote is dropped unseen.
HONEYPOT_FIELD = "website"


class LabelledChoiceField(forms.ModelChoiceField):
    """Choices are source objects (what votes refer to), labelled in the visitor's language."""

    def __init__(self, *args, labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = labels

    def label_from_instance(self, obj):
        return self.labels.get(obj.translation_key, str(obj))


class CommentField(forms.CharField):
    """A text whose line breaks are counted as the browser counts them against its `maxlength`:
    one character each, where the browser sends two (CRLF)."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


class NamedInLanguageSelect(forms.Select):
    """A select whose options of the values `foreign` are named in `language`, not the page's."""

    foreign, language = frozenset(), None

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value in self.foreign:
            option["attrs"]["lang"] = self.language
        return option


class VoteForm(forms.ModelForm):
    """A vote on `survey` (any language version), sent to `site` (the request's): answer, then the
    comment and the service the poll asks for. A missing answer is reported by the site, in the
    page's language, not by the browser in its own: the answers carry no `required` attribute."""

    use_required_attribute = False

    page = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = SurveyResponse
        fields = ["option", "service", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"comment": CommentField}
        labels = {"comment": _("Your comment (optional)"), "service": _("Department or service you dealt with")}
        error_messages = {
            "option": {
                "required": _("Please choose an answer."),
                "invalid_choice": _("That answer is not part of this poll."),
            },
            "service": {"invalid_choice": _("That department or service is unknown.")},
            "comment": {
                "null_characters_not_allowed": _("Your comment contains characters that cannot be stored."),
            },
        }

    def __init__(self, survey, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        source = survey.source
        option = self.fields["option"]
        self.fields["option"] = LabelledChoiceField(
            queryset=source.options.all(),
            labels={o.translation_key: o.label for o in survey.options.all()},
            widget=forms.RadioSelect,
            empty_label=None,
            label=_("Your answer"),
            error_messages=option.error_messages,
        )
        offered = source.services_offered
        if offered:
            service = self.fields["service"]
            labels = source.service_labels
            field = self.fields["service"] = LabelledChoiceField(
                queryset=Department.objects.filter(pk__in=[unit.pk for unit in offered]),
                labels=labels,
                required=False,
                empty_label=_("Not specified"),
                label=service.label,
                error_messages=service.error_messages,
                widget=NamedInLanguageSelect,
            )
            # In the order of their names in the visitor's language; a name not translated yet in
            # its own language.
            named = sorted(((unit.pk, field.label_from_instance(unit)) for unit in offered), key=lambda c: fold(c[1]))
            field.choices = [("", field.empty_label), *named]
            field.widget.foreign = {unit.pk for unit in offered if unit.translation_key not in labels}
            field.widget.language = foreign_language(source)
        else:
            del self.fields["service"]
        self.takes_comments = source.allow_comment
        written = (self.data if self.is_bound else self.initial).get("comment") or ""
        if not self.takes_comments and not written.strip():
            del self.fields["comment"]
        elif not self.takes_comments:
            # Written before the poll stopped taking comments: it stays in the form, to be copied,
            # and is refused whatever it holds (clean_comment).
            self.fields["comment"].validators = []
        else:  # its limit as the visitor's language writes numbers: 1.000 in Vietnamese
            self.fields["comment"].error_messages["max_length"] = _(
                "Please keep your comment to %(limit)s characters or fewer."
            ) % {"limit": number_format(COMMENT_MAX_LENGTH, force_grouping=True)}

    def clean_comment(self):
        """The comment, refused if the poll has stopped taking comments since its form was opened:
        the vote would be counted and the comment dropped."""
        comment = self.cleaned_data["comment"]
        if comment and not self.takes_comments:
            raise forms.ValidationError(
                _(
                    "This poll no longer takes comments. Copy your comment if you wish to keep it, "
                    "then delete it from the box and vote again."
                ),
                code="comments_closed",
            )
        return comment

    def clean_page(self):
        """The page the vote was cast on: a live page of this site. Any other id (a page deleted
        since, a draft, another agency's page), or no id at all (the `page` of an address the
        visitor typed), is no reason to refuse the vote: it names no page."""
        try:
            page_id = int(self.cleaned_data["page"])
        except ValueError:
            return None
        if self.site is None:
            return None
        return Page.objects.live().filter(in_site(self.site), pk=page_id).first()
