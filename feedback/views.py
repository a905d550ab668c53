"""The public side of the polls: each survey's page, the vote, a fresh CSRF token.

Caching and CSRF: the sidebar box appears on pages that a page cache may serve to everybody,
so it carries no CSRF token and nothing about the visitor. Its form leads (GET) to the
survey's own page, which is never cached and holds the real POST form with a token; with
JavaScript, poll.js fetches a fresh token from `csrf_token` (never cached) and posts the box's
form to `vote` directly.
"""

import functools
import hmac
import logging
import secrets
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers
from wagtail.models import Site

from home.translation import foreign_language
from home.visitors import client_ip, visitor_hash
from ops.cache import FileCache

from .forms import HONEYPOT_FIELD, VoteForm
from .models import Survey

logger = logging.getLogger(__name__)

RATE_WINDOW = 60  # seconds; FEEDBACK_VOTE_RATE_LIMIT counts the votes of one address per window
VOTED_COOKIE_SALT = "feedback.voted"
VOTED_COOKIE_AGE = 365 * 24 * 3600
VOTER_COOKIE = "feedback_voter"
VOTER_COOKIE_SALT = "feedback.voter"


def _survey_or_404(request, pk):
    """The survey `pk` (always a source survey's id) in the visitor's language: a poll of this
    site, or of none (its site has gone); another agency's is not served at this one's address."""
    site = Site.find_for_request(request)
    source = get_object_or_404(Survey.objects.for_sites([site.pk] if site else []), pk=pk)
    if source.source is not source:
        raise Http404
    survey = source.localized
    survey.source = source
    return survey


def _wants_json(request):
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _safe_next(request, survey, url):
    """`url` if it leads to a page of this site other than the survey's, else ""."""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed and urlsplit(url).path != _survey_url(survey) else ""


def _survey_url(survey, next_url=""):
    url = reverse("feedback:survey", args=[survey.source.pk])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _voter_id(request):
    return request.get_signed_cookie(VOTER_COOKIE, default="", salt=VOTER_COOKIE_SALT)


def _issue_voter_id(request, response):
    """Give this browser a random voter id, before it votes (the survey page and the CSRF token
    endpoint are where a vote starts).

    Many citizens share one carrier NAT address, and phones of one model send the same user
    agent: the address and browser alone would let only the first of them vote. The id tells
    their browsers apart. (A browser that refuses cookies cannot vote: the CSRF check needs one.)
    """
    if not _voter_id(request):
        response.set_signed_cookie(
            VOTER_COOKIE,
            secrets.token_hex(16),
            salt=VOTER_COOKIE_SALT,
            max_age=VOTED_COOKIE_AGE,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response


def _visitor_token(request, source):
    """The stored, salted hash that allows one vote per visitor per survey: of the browser's voter
    id, or of its address and user agent when it has none. Not of the address with the id: a phone
    whose answer was lost on its way from Wi-Fi to the mobile network would vote again."""
    voter_id = _voter_id(request)
    if voter_id:
        return hmac.digest(source.visitor_key().encode(), voter_id.encode(), "sha256").hex()
    return visitor_hash(request, source.visitor_key())


def _has_voted(request, survey):
    source = survey.source
    if request.get_signed_cookie(source.voted_cookie, default=None, salt=VOTED_COOKIE_SALT):
        return True
    return source.responses.filter(visitor_token=_visitor_token(request, source)).exists()


def _remember_vote(request, response, survey):
    response.set_signed_cookie(
        survey.voted_cookie,
        "1",
        salt=VOTED_COOKIE_SALT,
        max_age=VOTED_COOKIE_AGE,
        secure=request.is_secure(),
        # Read by poll.js too: a poll box from a page cache shows its results to a browser that
        # voted, rather than the form again. It tells no one anything but that this browser voted.
        httponly=False,
        samesite="Lax",
    )


@functools.lru_cache
def _machine_cache(folder):
    """The file cache of this machine's processes, as a portal without Redis has (ops.cache.FileCache)."""
    return FileCache(str(folder), {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def _rate_limited(request, count=True):
    """True once an address has sent more than FEEDBACK_VOTE_RATE_LIMIT votes in this minute;
    `count`: this request is a vote about to be kept, and counts (else the allowance is only
    read, to refuse early what would be refused anyway).

    Counted in the shared cache (atomic add and incr), keyed by a hash of the address. While it
    cannot count (Redis out of reach: its `incr` finds no key), each machine counts in its own
    file cache: an address gets the allowance once per application server, not without end. The
    database could not count instead: votes keep no address, and the visitor token of one who
    drops their cookies is new with every vote.
    """
    limit = settings.FEEDBACK_VOTE_RATE_LIMIT
    address = salted_hmac("feedback.vote.rate", client_ip(request)).hexdigest()
    key = f"feedback:votes:{address}:{int(time.time() // RATE_WINDOW)}"
    machine = _machine_cache(settings.VAR_DIR / "cache")
    if not count:
        return (cache.get(key) or machine.get(key) or 0) >= limit
    for counter in (cache, machine):
        counter.add(key, 0, timeout=2 * RATE_WINDOW)
        try:
            return counter.incr(key) > limit
        except ValueError:  # the count is gone (out of reach, or culled by a full cache)
            continue
    return False  # both lost it between add and incr: one vote rather than a refused citizen


def _same_origin(request):
    return request.headers.get("Origin") == f"{request.scheme}://{request.get_host()}"


def _csrf_failed(request):
    """Django's own CSRF check (cookie and token, origin), run by the view rather than the
    middleware so that a refusal is answered in the visitor's language and format."""
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is not None


def _results_html(request, survey):
    context = {"results": survey.results(), "labels_language": foreign_language(survey)}
    return render_to_string("feedback/includes/results.html", context, request=request)


def _render_page(request, survey, form, status=200, error="", confirming=False, next_url=None):
    if next_url is None:
        next_url = request.POST.get("next") or request.GET.get("next")
    next_url = _safe_next(request, survey, next_url)
    context = {
        "survey": survey,
        "form": form,
        "results": survey.results(),
        "voted": _has_voted(request, survey),
        "next_url": next_url,
        "error": error,
        "confirming": confirming,
        # A poll not (yet) translated into the visitor's language is shown in its own.
        "poll_language": foreign_language(survey),
    }
    return render(request, "feedback/survey_page.html", context, status=status)


def _refuse(request, survey, status, message, form=None, next_url=None, initial=None):
    if _wants_json(request):
        return JsonResponse({"ok": False, "message": message}, status=status)
    form = form or VoteForm(survey, site=Site.find_for_request(request), initial=initial)
    return _render_page(request, survey, form, status=status, error=message, next_url=next_url)


def _kept(request):
    """What the citizen chose and wrote, to stay in the form of a refusal and be sent again; not
    what another site posted, which the citizen would then send as their own."""
    return request.POST.dict() if _same_origin(request) else None


def _too_many(request, survey, form=None, initial=None):
    return _refuse(
        request,
        survey,
        429,
        _("Too many votes have come from your network in the last minute. Please try again shortly."),
        form,
        initial=initial,
    )


def _answer(request, survey, message, status=200):
    """The answer to a vote that was counted (or is treated as if it had been)."""
    if _wants_json(request):
        return JsonResponse(
            {"ok": status == 200, "message": message, "html": _results_html(request, survey)}, status=status
        )
    if status == 200:
        messages.success(request, message)
    # Otherwise the survey's page says that the visitor has voted.
    next_url = _safe_next(request, survey, request.POST.get("next"))
    return HttpResponseRedirect(_survey_url(survey, next_url) + "#results")


@never_cache
@vary_on_headers("Accept")
@require_safe
def survey_page(request, pk):
    """The survey's form and results; with `Accept: application/json`, the results alone."""
    survey = _survey_or_404(request, pk)
    if _wants_json(request):
        return JsonResponse({"html": _results_html(request, survey)})
    chosen = request.GET.get("option")
    initial = {"option": chosen, "page": request.GET.get("page")}
    form = VoteForm(survey, site=Site.find_for_request(request), initial=initial)
    # The sidebar box (without JavaScript, or from a page cache) cannot carry a CSRF token: its
    # answer comes here, to be confirmed with this page's form. Sent without an answer (the box's
    # form always sends the honeypot field), or with one that is none of the poll's (a page left
    # open while they changed, an address made up), it is refused as the vote would be, rather
    # than waiting to be confirmed with no answer chosen.
    unanswered = survey.is_open() and (HONEYPOT_FIELD in request.GET or "option" in request.GET) and not chosen
    error = _("Please choose an answer.") if unanswered else ""
    if chosen and survey.is_open():
        try:
            form.fields["option"].clean(chosen)
        except ValidationError as invalid:
            error = invalid.messages[0]
    confirming = "option" in request.GET and not error
    return _issue_voter_id(request, _render_page(request, survey, form, error=error, confirming=confirming))


@csrf_exempt  # checked in the view: see _csrf_failed
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def vote(request, pk):
    survey = _survey_or_404(request, pk)
    if request.method != "POST":  # the address reloaded or shared after a vote: the poll's page
        return HttpResponseRedirect(_survey_url(survey))
    try:
        # A flood is refused before the vote is checked; its body is read only to give the form back.
        if _rate_limited(request, count=False):
            return _too_many(request, survey, initial=None if _wants_json(request) else _kept(request))
        if _csrf_failed(request):
            if _has_voted(request, survey):  # "vote again" would be refused: the answer to a second vote
                return _answer(request, survey, _("You have already voted."), status=409)
            if settings.CSRF_COOKIE_NAME not in request.COOKIES:  # reloading would not help
                message = _(
                    "Your browser did not send the cookie that protects your vote. "
                    "Please allow cookies for this site, reload the page and vote again."
                )
            else:
                message = _("Your vote could not be verified. Please reload the page and vote again.")
            return _refuse(request, survey, 403, message, initial=_kept(request))
        form = VoteForm(survey, request.POST, site=Site.find_for_request(request))
    except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent):
        # Django refuses to read the body again: nothing of it can be used, not even `next`.
        message = _("Your vote could not be read. Please vote again using the form.")
        return _refuse(request, survey, 400, message, next_url="")

    if request.POST.get(HONEYPOT_FIELD):
        return _answer(request, survey, _("Thank you, your vote has been counted."))
    if not survey.is_open():
        if survey.has_opened():
            return _refuse(request, survey, 409, _("This poll is closed."))
        return _refuse(request, survey, 409, _("This poll is not open yet."))
    if not form.is_valid():
        message = next(iter(form.errors.values()))[0]
        return _refuse(request, survey, 422, message, form)
    # Only a vote that would be kept counts: behind a carrier's shared address, one citizen's
    # mis-click (no answer chosen) or vote sent again takes nothing from the others' allowance.
    # Sent again and again, a vote only reads, as views of the poll's page do: an indexed lookup,
    # and no INSERT for the unique constraint to refuse (each would take SQLite's write lock).
    if _has_voted(request, survey):
        answer = _answer(request, survey, _("You have already voted."), status=409)
        _remember_vote(request, answer, survey)
        return answer
    if _rate_limited(request):
        return _too_many(request, survey, form)

    source = survey.source
    response = form.save(commit=False)
    response.survey = source
    response.service = source.service or form.cleaned_data.get("service")
    response.page = form.cleaned_data["page"]
    response.language = get_language()
    response.visitor_token = _visitor_token(request, source)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        if not source.responses.filter(visitor_token=response.visitor_token).exists():
            raise
        answer = _answer(request, survey, _("You have already voted."), status=409)
    except DatabaseError:
        # Locked past its timeout, or out of reach: the citizen must know the vote was not kept.
        logger.warning("A vote on survey %s could not be stored.", source.pk, exc_info=True)
        message = _("Your vote could not be saved just now. Please try again in a moment.")
        return _refuse(request, survey, 503, message, form)
    else:
        answer = _answer(request, survey, _("Thank you, your vote has been counted."))
    _remember_vote(request, answer, survey)
    return answer


@never_cache
@require_safe
def csrf_token(request):
    """A CSRF token (and its cookie) for poll.js, whatever cache served the page around the form."""
    return _issue_voter_id(request, JsonResponse({"token": get_token(request)}))
