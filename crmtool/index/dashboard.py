"""The workspace's management views as values: the pipeline board and the dashboard's charts.

Everything here returns plain data (labels already in the current language, counts as
numbers, durations also in words), so the workspace lays it out and a terminal could print
the same. The board and the charts read the index (SQL and a little Python); only the
retention chart needs the loaded model, because when data must go is decided by
`domain/retention.py` (last activity, last role, consent withdrawn, ...) and the dashboard
must say what `crmtool check` and `crmtool review` say, not an approximation of it.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import statistics
from dataclasses import dataclass, field

from .. import i18n
from ..domain import retention
from ..domain.deadlines import SUBJECT_RIGHTS, deadline
from ..domain.durations import add_months
from ..domain.pipeline import Pipeline
from ..domain.review import REQUEST_KINDS
from ..domain.texts import localised
from ..domain.words import in_words
from ..i18n import _
from ..load.model import Model, Record
from .questions import follow_up, pipeline_counts, rows_of

CARDS_PER_COLUMN = 50
"""The most cards a column of the board shows: a large repository has thousands of closed
requests, which the list of requests (filtered by stage) shows page by page instead."""
MONTHS = 12


# --- the pipeline board ------------------------------------------------------------------

@dataclass
class Card:
    request: str
    title: str
    kind: str
    kind_label: str
    assignee: str | None
    assignee_name: str | None
    since: str | None
    """The day the request entered the stage it is in (ISO)."""
    days: int | None
    """Days in that stage; `age` says it in words."""
    age: str
    follow_up: str | None
    overdue: bool
    open: bool


@dataclass
class Column:
    stage: str
    label: str
    count: int
    """How many requests (with the board's filters) are in this stage."""
    cards: list[Card] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


@dataclass
class Board:
    columns: list[Column]
    counts: list[dict]
    """The rows of `crmtool query pipeline` (with the kind filter): stage, stage_label, requests."""
    assignees: list[dict]
    """Who may be chosen in the assignee filter: id and name."""
    kinds: list[dict]
    """The request kinds in the records: id and label."""


def kind_label(kind: str | None) -> str:
    """A request's kind as the review says it ("request for access"); a fork's own kind as itself."""
    return _(REQUEST_KINDS[kind]) if kind in REQUEST_KINDS else str(kind or "")


def board(db: sqlite3.Connection, on: dt.date, pipeline: Pipeline, assignee: str | None = None,
          kind: str | None = None, per_column: int = CARDS_PER_COLUMN) -> Board:
    """The requests on day `on` as a board: a column per stage of the pipeline (and one per
    stage the records use that the pipeline does not know), each request in the stage its
    history says on that day, as `crmtool query pipeline` counts them. Open requests are
    those of `crmtool query follow-up` (overdue first, then by follow-up day); requests that
    are done (closed, or in a final stage) follow, the most recently finished first."""
    language = i18n.language()
    open_rows = follow_up(db, on, pipeline, assignee=assignee, kind=kind).rows
    done_rows = [r for r in _finished(db, on, pipeline)
                 if (assignee is None or r["assignee"] == assignee) and (kind is None or r["kind"] == kind)]
    shown: dict[str, list[dict]] = {}
    for row in sorted(open_rows, key=lambda r: (not r["overdue"], r["follow_up"] or "9999", r["request"])):
        shown.setdefault(row["stage"], []).append(dict(row, open=True))
    everyone: dict[str, int] = {}
    for row in open_rows:
        everyone[row["stage"]] = everyone.get(row["stage"], 0) + 1
    finished: dict[str, list[dict]] = {}
    for row in done_rows:
        everyone[row["stage"]] = everyone.get(row["stage"], 0) + 1
        finished.setdefault(row["stage"], []).append(dict(row, open=False))
    stays = _stays(db, on, [r["request"] for rows in (*shown.values(), *finished.values()) for r in rows])
    for stage, rows in finished.items():  # the most recently finished first
        rows.sort(key=lambda r: (_since(stays, r), r["request"]), reverse=True)
        shown.setdefault(stage, []).extend(rows)
    counts = pipeline_counts(db, on, pipeline, kind).rows
    order = [row["stage"] for row in counts]
    order += sorted((s for s in everyone if s not in order), key=str)
    labels = {row["stage"]: row["stage_label"] for row in counts}
    columns = []
    for stage in order:
        cards = [_card(row, stays, on, language) for row in shown.get(stage, [])[:per_column]]
        columns.append(Column(stage or "", labels.get(stage) or stage or "–", everyone.get(stage, 0), cards))
    assignees = rows_of(db, "SELECT id, name FROM staff ORDER BY coalesce(name, id), id")
    kinds = [{"id": k, "label": kind_label(k)} for k, in db.execute(
        "SELECT DISTINCT kind FROM requests WHERE kind IS NOT NULL")]
    known = list(REQUEST_KINDS)
    kinds.sort(key=lambda k: (known.index(k["id"]) if k["id"] in known else len(known), k["id"]))
    return Board(columns, counts, assignees, kinds)


def _finished(db: sqlite3.Connection, on: dt.date, pipeline: Pipeline) -> list[dict]:
    """Requests received by `on` that are done on that day: closed by then, or in a final
    stage; their stage and assignee that day as `questions.follow_up` finds them."""
    found = rows_of(db, """
        SELECT r.id AS request, r.kind, r.title, r.follow_up, r.closed,
          coalesce((SELECT h.stage FROM request_history h WHERE h.request = r.id AND h.date <= :on
                    ORDER BY h.date DESC, h.position DESC LIMIT 1), r.stage) AS stage,
          coalesce((SELECT h.assignee FROM request_history h WHERE h.request = r.id AND h.date <= :on
                    AND h.assignee IS NOT NULL ORDER BY h.date DESC, h.position DESC LIMIT 1), r.assignee) AS assignee
        FROM requests r WHERE r.received IS NULL OR r.received <= :on""", {"on": on.isoformat()})
    staff = dict(db.execute("SELECT id, name FROM staff"))
    done = []
    for row in found:
        if (row["closed"] and row["closed"] <= on.isoformat()) or pipeline.is_final(row["stage"] or ""):
            done.append(dict(row, assignee_name=staff.get(row["assignee"]), overdue=False))
    return done


def _stays(db: sqlite3.Connection, on: dt.date, requests: list[str] | None = None) -> dict[str, list[list]]:
    """Per request, its stays in a stage up to day `on`: [stage, first day, day it left or
    None], from its history in order. Entries that repeat the stage (a hand-over to another
    colleague) continue the stay."""
    query = ("SELECT request, date, stage FROM request_history WHERE date <= ? AND date IS NOT NULL "
             "AND stage IS NOT NULL")
    parameters: list = [on.isoformat()]
    if requests is not None:
        if not requests:
            return {}
        query += " AND request IN (SELECT value FROM json_each(?))"
        parameters.append(json.dumps(requests))
    stays: dict[str, list[list]] = {}
    for request, date, stage in db.execute(query + " ORDER BY request, date, position", parameters):
        mine = stays.setdefault(request, [])
        if mine and mine[-1][0] == stage:
            continue
        if mine:
            mine[-1][2] = date
        mine.append([stage, date, None])
    return stays


def _since(stays: dict[str, list[list]], row: dict) -> str:
    mine = stays.get(row["request"]) or []
    return mine[-1][1] if mine and mine[-1][0] == row["stage"] else ""


def _card(row: dict, stays: dict[str, list[list]], on: dt.date, language: str) -> Card:
    since = _since(stays, row) or None
    days = (on - dt.date.fromisoformat(since)).days if since else None
    return Card(row["request"], row["title"] or "", row["kind"] or "", kind_label(row["kind"]), row["assignee"],
                row["assignee_name"], since, days, in_words(f"P{days}D", language) if days is not None else "",
                row["follow_up"], bool(row["overdue"]), row["open"])


# --- the dashboard -----------------------------------------------------------------------

@dataclass
class Row:
    label: str
    values: list[int]
    """One number per series of the chart (the bar's parts)."""
    shown: list[str]
    """How each number is written in the table (a duration in words, a count as digits)."""
    extra: list[str] = field(default_factory=list)
    """Further cells of the table that are not drawn (how many stays a median is of)."""

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass
class Chart:
    key: str
    """The chart's id in the page (its table's caption is `KEY-caption`)."""
    title: str
    caption: str
    """What is counted, in a sentence: the table's caption and the SVG's accessible name."""
    label_heading: str
    series: list[str]
    rows: list[Row]
    extra_headings: list[str] = field(default_factory=list)

    @property
    def largest(self) -> int:
        return max([row.total for row in self.rows] + [1])


def months(first: dt.date, count: int = MONTHS) -> list[str]:
    """`count` months from the month of `first` on, as YYYY-MM."""
    return [add_months(first.replace(day=1), n).isoformat()[:7] for n in range(count)]


def requests_per_month(db: sqlite3.Connection, on: dt.date) -> Chart:
    """Requests received in each of the last twelve months (this month included), by kind."""
    shown = months(add_months(on.replace(day=1), 1 - MONTHS))
    counts: dict[tuple[str, str], int] = {}
    for month, kind, count in db.execute(
            "SELECT substr(received, 1, 7), kind, count(*) FROM requests WHERE received >= ? AND received <= ? "
            "GROUP BY 1, 2", (shown[0] + "-01", on.isoformat())):
        counts[(month, kind)] = count
    known = list(REQUEST_KINDS)
    kinds = sorted({k for _m, k in counts}, key=lambda k: (known.index(k) if k in known else len(known), str(k)))
    rows = [Row(month, [counts.get((month, k), 0) for k in kinds], [str(counts.get((month, k), 0)) for k in kinds])
            for month in shown]
    return Chart("requests-per-month", _("Requests per month"),
                 _("Requests received per month from {first} to {day}, by kind.").format(
                     first=shown[0] + "-01", day=on.isoformat()),
                 _("Month"), [kind_label(k) for k in kinds] or [_("Requests")], rows if kinds else
                 [Row(month, [0], ["0"]) for month in shown])


def funnel_stages(pipeline: Pipeline) -> list[str]:
    """The stages of the funnel: the pipeline's stages in order, without the final ones (in the
    default pipeline: received, triage, in progress, proposal, approved)."""
    return [stage for stage in pipeline.stages if not pipeline.is_final(stage)]


def funnel(db: sqlite3.Connection, on: dt.date, pipeline: Pipeline) -> Chart:
    """How many requests received by `on` got at least as far as each stage of the funnel:
    a request counts for a stage when its history reached that stage or a later one (a
    request may skip triage)."""
    stages = funnel_stages(pipeline)
    stays = _stays(db, on)
    reached = [0] * len(stages)
    for request, recorded in db.execute("SELECT id, stage FROM requests WHERE received IS NULL OR received <= ?",
                                        (on.isoformat(),)):
        seen = {stay[0] for stay in stays.get(request, [])} or {recorded}
        furthest = max((n for n, stage in enumerate(stages) if stage in seen), default=-1)
        for n in range(furthest + 1):
            reached[n] += 1
    rows = [Row(_stage_label(pipeline, stage), [count], [str(count)]) for stage, count in zip(stages, reached)]
    return Chart("funnel", _("The pipeline funnel"),
                 _("Requests received by {day} that got at least as far as each stage, from {first} to {last}.").format(
                     day=on.isoformat(), first=rows[0].label if rows else "", last=rows[-1].label if rows else ""),
                 _("Stage"), [_("Requests")], rows)


def time_per_stage(db: sqlite3.Connection, on: dt.date, pipeline: Pipeline) -> Chart:
    """The median number of days a request stays in each stage before it moves on, over the
    stays that ended by `on` (a request still in a stage has not finished its stay)."""
    language = i18n.language()
    lengths: dict[str, list[int]] = {}
    for mine in _stays(db, on).values():
        for stage, first, left in mine:
            if left is not None:
                lengths.setdefault(stage, []).append(
                    (dt.date.fromisoformat(left) - dt.date.fromisoformat(first)).days)
    stages = [s for s in pipeline.stages if not pipeline.is_final(s)]
    stages += sorted(s for s in lengths if s not in stages)
    rows = []
    for stage in stages:
        found = lengths.get(stage, [])
        median = half_up(statistics.median(found)) if found else 0
        rows.append(Row(_stage_label(pipeline, stage), [median],
                        [in_words(f"P{median}D", language) if found else "–"], [str(len(found))]))
    return Chart("time-per-stage", _("Time per stage"),
                 _("The median time a request stayed in each stage before it moved on, over the stays "
                   "that ended by {day}.").format(day=on.isoformat()),
                 _("Stage"), [_("Median")], rows, [_("Stays counted")])


def half_up(number: float) -> int:
    """A median of an even number of days rounded as people round: 2.5 days is 3."""
    return int(number + 0.5)


IN_TIME, LATE, OPEN = "in-time", "late", "open"


def subject_outcome(request: Record, on: dt.date) -> str | None:
    """Where a data-subject request stands against its deadline on day `on`: answered in time,
    late (answered after the deadline, or not answered while the deadline has passed) or open
    (not answered, the deadline still ahead); None for other requests."""
    due = deadline(request)
    if due is None or due.received > on:
        return None
    if due.answered is not None and due.answered <= on:
        return IN_TIME if due.answered <= due.due else LATE
    return LATE if due.due < on else OPEN


def subject_deadlines(db: sqlite3.Connection, on: dt.date) -> Chart:
    """Data-subject requests (access, erasure, ...) received by `on` against their deadline
    (one month, three when extended: `domain/deadlines.py`, as P012 counts them)."""
    counts = {IN_TIME: 0, LATE: 0, OPEN: 0}
    marks = ", ".join("?" * len(SUBJECT_RIGHTS))
    for rid, path, data in db.execute(
            f"SELECT r.id, r.path, x.data FROM requests r JOIN records x ON x.folder = 'requests' AND x.id = r.id "
            f"AND x.indexed = 1 WHERE r.kind IN ({marks})", SUBJECT_RIGHTS):
        outcome = subject_outcome(Record("requests", rid, path, json.loads(data)), on)
        if outcome is not None:
            counts[outcome] += 1
    words = {IN_TIME: _("answered in time"), LATE: _("late"), OPEN: _("open, within the deadline")}
    rows = [Row(words[key], [count], [str(count)]) for key, count in counts.items()]
    return Chart("subject-deadlines", _("Data-subject requests and their deadlines"),
                 _("Data-subject requests received by {day}: answered in time, late (answered after the "
                   "deadline or still open past it) and open within the deadline.").format(day=on.isoformat()),
                 _("Outcome"), [_("Requests")], rows)


def people_per_purpose(db: sqlite3.Connection, on: dt.date) -> Chart:
    """How many people's data is held for each purpose on day `on` (purposes with a label that
    has started and not ended), the largest first."""
    language = i18n.language()
    titles = {rid: localised(json.loads(data).get("title"), language) or title
              for rid, title, data in db.execute(
                  "SELECT p.id, p.title, x.data FROM purposes p JOIN records x ON x.folder = 'purposes' "
                  "AND x.id = p.id AND x.indexed = 1")}
    counts = dict.fromkeys(titles, 0)
    for purpose, count in db.execute(
            "SELECT purpose, count(DISTINCT person) FROM person_purposes WHERE (since IS NULL OR since <= :on) "
            "AND (until IS NULL OR until >= :on) GROUP BY purpose", {"on": on.isoformat()}):
        counts[purpose] = count
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    rows = [Row(f"{titles.get(purpose) or purpose} ({purpose})", [count], [str(count)]) for purpose, count in ordered]
    return Chart("people-per-purpose", _("People per purpose"),
                 _("People whose data is held for each purpose on {day}.").format(day=on.isoformat()),
                 _("Purpose"), [_("People")], rows)


def retention_due(model: Model, on: dt.date) -> Chart:
    """When data must be erased, anonymised or reviewed: per month of the next twelve (this
    month from today on), the day after a retention period ends, as `crmtool review` lists
    it; what fell due before today is counted on a row of its own."""
    shown = months(on)
    last = add_months(on.replace(day=1), MONTHS) - dt.timedelta(days=1)
    people = {m: 0 for m in shown}
    moments = {m: 0 for m in shown}
    overdue = [0, 0]
    for found in retention.everything(model, on):
        if found.ends is None:
            continue
        due = found.ends + dt.timedelta(days=1)
        of_person = found.record.folder == "people"
        if due < on:
            overdue[0 if of_person else 1] += 1
        elif due <= last:
            (people if of_person else moments)[due.isoformat()[:7]] += 1
    rows = [Row(_("before {day}").format(day=on.isoformat()), overdue, [str(n) for n in overdue])]
    rows += [Row(m, [people[m], moments[m]], [str(people[m]), str(moments[m])]) for m in shown]
    return Chart("retention-due", _("Retention falling due"),
                 _("Data whose retention period ends, by the month it falls due, from {day} to {last}: "
                   "purposes of people and contact moments.").format(day=on.isoformat(), last=last.isoformat()),
                 _("Month"), [_("People's data"), _("Contact moments")], rows)


def roles_ending(db: sqlite3.Connection, on: dt.date) -> Chart:
    """Roles whose last day lies in the next twelve months (this month from today on), for
    example after an election."""
    shown = months(on)
    last = add_months(on.replace(day=1), MONTHS) - dt.timedelta(days=1)
    counts = dict(db.execute('SELECT substr("end", 1, 7), count(*) FROM roles WHERE "end" >= ? AND "end" <= ? '
                             "GROUP BY 1", (on.isoformat(), last.isoformat())))
    rows = [Row(m, [counts.get(m, 0)], [str(counts.get(m, 0))]) for m in shown]
    return Chart("roles-ending", _("Roles ending"),
                 _("Roles whose last day falls between {day} and {last}, by month.").format(
                     day=on.isoformat(), last=last.isoformat()),
                 _("Month"), [_("Roles")], rows)


def dashboard(db: sqlite3.Connection, on: dt.date, pipeline: Pipeline, model: Model) -> list[Chart]:
    """Every chart of the dashboard, in the order it shows them."""
    return [requests_per_month(db, on), funnel(db, on, pipeline), time_per_stage(db, on, pipeline),
            subject_deadlines(db, on), people_per_purpose(db, on), retention_due(model, on), roles_ending(db, on)]


def _stage_label(pipeline: Pipeline, stage: str) -> str:
    return localised(pipeline.stages.get(stage, {}).get("label"), i18n.language()) or stage
