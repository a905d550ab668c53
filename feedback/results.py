"""Vote counts and their percentages."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone


def largest_remainder(counts, total=100):
    """Whole-number shares of `total` in proportion to `counts` that add up to exactly `total`
    (all zero when there are no votes).

    Each share is rounded down, then the points left over go to the largest remainders; on a tie
    the earlier count (the better answer) wins: 1/1/1 gives 34/33/33.
    """
    votes = sum(counts)
    if votes == 0:
        return [0] * len(counts)
    shares = [count * total // votes for count in counts]
    remainders = [count * total % votes for count in counts]
    by_remainder = sorted(range(len(counts)), key=lambda i: -remainders[i])
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def satisfaction_rate(counts, satisfied):
    """The share of votes, in whole percent rounded half up, for the answers flagged in
    `satisfied`; None without votes or without such answers."""
    votes = sum(counts)
    if votes == 0 or not any(satisfied):
        return None
    happy = sum(count for count, flag in zip(counts, satisfied, strict=True) if flag)
    return (200 * happy + votes) // (2 * votes)


@dataclass
class OptionResult:
    pk: int
    label: str
    votes: int
    percent: int
    satisfied: bool


@dataclass
class Results:
    options: list[OptionResult]
    total: int
    satisfaction_rate: int | None
    since: date | None = None
    until: date | None = None  # of a closed poll


def percentages(counts, satisfied, rate):
    """Each answer's whole percentage, adding up to 100 and, for the answers that count as
    satisfied, to the satisfaction `rate`: a citizen adding up "Rất hài lòng" and "Hài lòng" finds
    the rate shown below them. Each is within 1.5 points of its exact share."""
    if rate is None:
        return largest_remainder(counts)
    shares = [0] * len(counts)
    for flag, points in ((True, rate), (False, 100 - rate)):
        group = [i for i, is_satisfied in enumerate(satisfied) if is_satisfied == flag]
        for i, share in zip(group, largest_remainder([counts[i] for i in group], points), strict=True):
            shares[i] = share
    return shares


def tally(options, counts_by_option):
    """Results for `options` (in order) from a mapping of option pk to its number of votes."""
    counts = [counts_by_option.get(option.pk, 0) for option in options]
    flags = [option.counts_as_satisfied for option in options]
    rate = satisfaction_rate(counts, flags)
    return Results(
        options=[
            OptionResult(option.pk, option.label, count, percent, option.counts_as_satisfied)
            for option, count, percent in zip(options, counts, percentages(counts, flags, rate), strict=True)
        ],
        total=sum(counts),
        satisfaction_rate=rate,
    )


def survey_results(survey, counts=None):
    """The figures of a survey (votes of every language version), labelled in `survey`'s language;
    `counts` (votes by option id) when they are known already."""
    options = survey.labelled_options()
    if counts is None:
        counts = dict(survey.source.responses.values_list("option").annotate(votes=Count("pk")).order_by())
    results = tally(options, counts)
    results.since = timezone.localdate(survey.opens_at)
    if survey.closes_at is not None and survey.closes_at <= timezone.now():
        # The last day it took votes: closing at midnight, it took none on the day it closed.
        results.until = timezone.localdate(survey.closes_at - timedelta(microseconds=1))
    return results
