"""Vote counts and their percentages."""

from dataclasses import dataclass
from datetime import date

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


def tally(options, counts_by_option):
    """Results for `options` (in order) from a mapping of option pk to its number of votes."""
    counts = [counts_by_option.get(option.pk, 0) for option in options]
    flags = [option.counts_as_satisfied for option in options]
    return Results(
        options=[
            OptionResult(option.pk, option.label, count, percent, option.counts_as_satisfied)
            for option, count, percent in zip(options, counts, largest_remainder(counts), strict=True)
        ],
        total=sum(counts),
        satisfaction_rate=satisfaction_rate(counts, flags),
    )


def survey_results(survey, counts=None):
    """The figures of a survey (votes of every language version), labelled in `survey`'s language;
    `counts` (votes by option id) when they are known already."""
    options = survey.labelled_options()
    if counts is None:
        counts = dict(survey.source.responses.values_list("option").annotate(votes=Count("pk")).order_by())
    results = tally(options, counts)
    results.since = timezone.localdate(survey.opens_at)
    return results
