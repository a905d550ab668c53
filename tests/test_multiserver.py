"""Issue 9: two application servers sharing one PostgreSQL database and one Redis lose and repeat
nothing: visitors read pages and vote on both at once, and afterwards every visit, view and vote
is counted exactly once.

Each server is a gunicorn with the production settings, as behind a load balancer
(tests/servers.py). Runs when DATABASE_URL points at PostgreSQL (.ci/run's second pass)
and Redis answers at CI_REDIS_URL; skipped with the reason otherwise.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from feedback.models import SurveyResponse
from home.demo import add_sidebar_box
from tests.conftest import REDIS_URL
from tests.servers import csrf_credentials, flush_visits, gunicorns, request, server_env, vote
from tests.test_feedback import make_survey
from tests.visits_support import distinct_address, views, visits_today

VISITORS = 40

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def shared_redis(redis_prefix):
    if connection.vendor != "postgresql":
        pytest.skip("several application servers need a database server: set DATABASE_URL to PostgreSQL")
    return redis_prefix[1]


def visitor_journey(visitor, bases, article_path, poll_paths, option):
    """Read the home page and the article on both servers, then vote: the token from one server,
    the vote to the other."""
    first, second = bases[visitor % 2], bases[(visitor + 1) % 2]
    address = distinct_address(visitor)
    assert request(f"{first}/vi/", address)[0] == 200
    assert request(f"{second}{article_path}", address)[0] == 200
    assert request(f"{first}{article_path}", address)[0] == 200  # the same view again: not counted twice
    csrf_path, vote_path = poll_paths
    status, answer = vote(second, vote_path, address, option, csrf_credentials(f"{first}{csrf_path}", address))
    assert status == 200 and answer["ok"] is True


def test_two_servers_count_every_visit_view_and_vote_exactly_once(
    shared_redis, tmp_path, site, home_vi, make_article, locales
):
    survey = make_survey(locales[0])
    add_sidebar_box(site, "poll", survey)
    article = make_article("Thông báo lịch tiếp công dân tháng 12")
    choices = [option.pk for option in survey.options.all()]
    votes = [choices[visitor % len(choices)] for visitor in range(VISITORS)]
    with translation.override("vi"):
        poll_paths = reverse("feedback:csrf"), reverse("feedback:vote", args=[survey.pk])
    env = server_env(tmp_path, REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=shared_redis)
    with gunicorns(env, 2, tmp_path) as bases:
        with ThreadPoolExecutor(max_workers=16) as pool:
            journeys = [
                pool.submit(visitor_journey, visitor, bases, article.url, poll_paths, votes[visitor])
                for visitor in range(VISITORS)
            ]
            for journey in journeys:
                journey.result()
    # Stopped, each server's workers have handed their last sightings to Redis (visits/courier.py).
    flush_visits(env)

    assert visits_today(site) == VISITORS
    assert views(home_vi) == VISITORS
    assert views(article) == VISITORS
    assert sorted(SurveyResponse.objects.filter(survey=survey).values_list("option", flat=True)) == sorted(votes)
