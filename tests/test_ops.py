"""Issue 9: a health check for load balancers."""

from unittest import mock

from django.db.utils import OperationalError


def test_health_check_reports_database_and_cache(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_health_check_fails_when_the_database_does_not_answer(client, db):
    with mock.patch("ops.views._database_ok", side_effect=OperationalError("database is locked")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "failing: OperationalError"


def test_health_check_fails_when_the_cache_does_not_answer(client, db):
    with mock.patch("ops.views.cache.set", side_effect=ConnectionError("redis down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "failing: ConnectionError"
