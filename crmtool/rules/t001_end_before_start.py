"""T001: nothing ends before it starts.

Checked for every pair of dates that opens and closes something, wherever it stands in a
record: `start`/`end` (roles, organisations), `since`/`until` (purpose labels),
`given`/`withdrawn` (consents) and `received`/`closed` (requests). The end is the last day
on which a thing holds, so ending on the day it starts is fine.

Passing::

    start: 2022-06-01
    end: 2026-03-31

Failing::

    start: 2022-06-01
    end: 2021-06-01
"""
from __future__ import annotations

from typing import Any, Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import parse_date
from .base import RepoContext, Rule

RULE = Rule("T001", "error", N_("An end date must not lie before its start date"), "record", "contract")

PAIRS = (("start", "end"), ("since", "until"), ("given", "withdrawn"), ("received", "closed"))


def check(ctx: RepoContext) -> Iterator[Finding]:
    for folder in ctx.model.records:
        for record in ctx.model.of(folder):
            for pointer, opened, closed, opening, closing in _pairs(record.data, ()):
                yield RULE.finding(record.path, ctx.at(record, pointer + (closing,)),
                                   _("'{closing}' ({end}) lies before '{opening}' ({start}).").format(
                                       closing=closing, end=closed, opening=opening, start=opened),
                                   _("Correct one of the two dates; the end is the last day on which it holds."))


def _pairs(data: Any, pointer: tuple) -> Iterator[tuple]:
    if isinstance(data, dict):
        for opening, closing in PAIRS:
            start, end = parse_date(data.get(opening)), parse_date(data.get(closing))
            if start and end and end < start:
                yield pointer, start, end, opening, closing
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                yield from _pairs(value, pointer + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _pairs(value, pointer + (index,))
