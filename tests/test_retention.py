"""Retention periods (crmtool.domain.retention) and data-subject deadlines (crmtool.domain.deadlines): the
date arithmetic behind P007, P008, P012, P013 and `crmtool review`, on small in-memory models."""
from __future__ import annotations

import datetime as dt

import pytest

from crmtool.domain.deadlines import deadline
from crmtool.load.model import Model, Record
from crmtool.domain.policy import labels
from crmtool.domain.retention import everything, labels_in_force, of_interaction, of_label, of_person
from crmtool.domain.retention_advice import action, counted_from
from crmtool.domain.deadlines import void_extension

TODAY = dt.date(2026, 11, 24)
D = dt.date.fromisoformat

POLICIES = {
    "events": {"period": "P1Y", "after": "collected", "then": "delete"},
    "contacts": {"period": "P2Y", "after": "last-activity", "then": "review"},
    "office-holders": {"period": "P2Y", "after": "last-role-end", "then": "delete"},
    "newsletter": {"period": "P1M", "after": "consent-withdrawn", "then": "delete"},
    "member-services": {"period": "P5Y", "after": "request-closed", "then": "anonymise"},
}


def build(people=(), roles=(), interactions=(), requests=(), purposes=None, today=TODAY) -> Model:
    """A model with the purposes above (or `purposes`) and the given records (id, data)."""
    model = Model(today=today)
    purposes = purposes if purposes is not None else {
        pid: {"title": pid, "retention": policy} for pid, policy in POLICIES.items()}
    folders = {"purposes": purposes.items(), "people": people, "roles": roles,
               "interactions": interactions, "requests": requests}
    for folder, records in folders.items():
        for rid, data in records:
            model.ids[folder].add(rid)
            model.add(Record(folder, rid, f"records/{folder}/{rid}.yaml", data))
    return model


def person(*purposes, **extra) -> tuple[str, dict]:
    return ("p-aaaaaa", {"name": {"family": "Jansen"}, "purposes": list(purposes), **extra})


def label(purpose, since="2022-06-01", **extra) -> dict:
    return {"purpose": purpose, "since": since, **extra}


def role(rid, start, end=None, who="p-aaaaaa"):
    data = {"person": who, "organisation": "gemeente-almere", "function": "wethouder", "start": start}
    if end:
        data["end"] = end
    return (rid, data)


def the_retention(model: Model, index: int = 0, today=TODAY):
    found = [r for r in of_person(model, model.get("people", "p-aaaaaa"), today) if r.pointer == ("purposes", index)]
    return found[0] if found else None


# ---------------------------------------------------------------- after: collected

def test_collected_counts_from_the_label_start():
    r = the_retention(build(people=[person(label("events", "2025-01-10"))]))
    assert (r.anchor, r.ends, r.then, r.pointer) == (D("2025-01-10"), D("2026-01-10"), "delete", ("purposes", 0))
    assert r.expired(TODAY)


def test_the_last_day_itself_is_still_allowed():
    r = the_retention(build(people=[person(label("events", "2025-11-24"))]))
    assert r.ends == TODAY
    assert not r.expired(TODAY) and r.expired(TODAY + dt.timedelta(days=1))


def test_ends_within_includes_today_and_the_last_day_of_the_window():
    r = the_retention(build(people=[person(label("events", "2025-11-24"))]))  # ends today
    assert r.ends_within(TODAY, 0) and r.ends_within(TODAY, 30)
    assert not r.ends_within(TODAY + dt.timedelta(days=1), 30)  # already passed
    r = the_retention(build(people=[person(label("events", "2025-12-24"))]))  # ends in 30 days
    assert r.ends_within(TODAY, 30) and not r.ends_within(TODAY, 29)


@pytest.mark.parametrize("since, period, ends", [
    ("2024-02-29", "P1Y", "2025-02-28"),  # leap day: a year later is the last day of February
    ("2025-01-31", "P1M", "2025-02-28"),
    ("2023-01-31", "P1M", "2023-02-28"),
    ("2026-01-31", "P2Y1M", "2028-02-29"),
    ("2025-08-31", "P6M", "2026-02-28"),
    ("2025-10-31", "P30D", "2025-11-30"),
])
def test_periods_are_calendar_periods(since, period, ends):
    purposes = {"events": {"title": "x", "retention": {"period": period, "after": "collected", "then": "delete"}}}
    r = the_retention(build(people=[person(label("events", since))], purposes=purposes))
    assert r.ends == D(ends)


# ---------------------------------------------------------------- after: last-activity

def test_last_activity_is_the_latest_contact_request_or_consent():
    model = build(
        people=[person(label("contacts", "2022-01-01"),
                       consents=[{"purpose": "newsletter", "given": "2023-02-01", "withdrawn": "2023-05-01"}])],
        interactions=[("i-1", {"date": "2022-09-01", "people": ["p-aaaaaa"], "purpose": "contacts"})],
        requests=[("q-1", {"kind": "question", "received": "2022-10-01", "closed": "2023-03-15",
                           "from": {"person": "p-aaaaaa"}})])
    assert the_retention(model).anchor == D("2023-05-01")  # the withdrawal
    assert the_retention(model).ends == D("2025-05-01")


@pytest.mark.parametrize("extra, anchor", [
    ({"interactions": [("i-1", {"date": "2026-03-10", "people": ["p-aaaaaa"]})]}, "2026-03-10"),
    ({"requests": [("q-1", {"kind": "question", "received": "2026-04-01", "from": {"person": "p-aaaaaa"}})]},
     "2026-04-01"),
    ({"requests": [("q-1", {"kind": "question", "received": "2026-04-01", "closed": "2026-05-02",
                            "from": {"person": "p-aaaaaa"}})]}, "2026-05-02"),
    ({}, "2022-01-01"),  # nothing after the label: its start
])
def test_last_activity_sources(extra, anchor):
    model = build(people=[person(label("contacts", "2022-01-01"))], **extra)
    assert the_retention(model).anchor == D(anchor)


def test_last_activity_follows_merged_ids():
    people = [("p-aaaaaa", {"name": {"family": "Jansen"}, "purposes": [label("contacts", "2022-01-01")],
                            "aliases": ["p-oldold"]})]
    model = build(people=people, interactions=[("i-1", {"date": "2026-02-02", "people": ["p-oldold"]})])
    assert the_retention(model).anchor == D("2026-02-02")


def test_other_peoples_activity_does_not_count():
    model = build(people=[person(label("contacts", "2022-01-01"))],
                  interactions=[("i-1", {"date": "2026-02-02", "people": ["p-bbbbbb"]})],
                  roles=[role("r-1", "2020-01-01", who="p-bbbbbb")])
    assert the_retention(model).anchor == D("2022-01-01")


def test_staff_notes_and_roles_are_activity():
    notes = [{"date": "2025-03-01", "by": "anna", "text": "x"}, {"date": "2024-01-01", "by": "anna", "text": "y"}]
    model = build(people=[person(label("contacts", "2022-01-01"), notes=notes)])
    assert the_retention(model).anchor == D("2025-03-01")
    model = build(people=[person(label("contacts", "2022-01-01"))], roles=[role("r-1", "2019-01-01", "2025-06-30")])
    assert the_retention(model).anchor == D("2025-06-30")


def test_an_open_role_is_activity_today():
    model = build(people=[person(label("contacts", "2022-01-01"))], roles=[role("r-1", "2019-01-01")])
    r = the_retention(model)
    assert (r.anchor, r.ends) == (TODAY, D("2028-11-24"))
    assert not r.expired(TODAY)


def test_activity_dated_after_today_does_not_count():
    model = build(people=[person(label("contacts", "2022-01-01"),
                                 notes=[{"date": "2027-01-01", "by": "anna", "text": "planned"}])],
                  interactions=[("i-1", {"date": "2026-12-01", "people": ["p-aaaaaa"]})])
    assert the_retention(model).anchor == D("2022-01-01")


def test_a_role_that_has_not_started_is_not_activity():
    model = build(people=[person(label("contacts", "2022-01-01"))], roles=[role("r-1", "2027-01-01")])
    assert the_retention(model).anchor == D("2022-01-01")


# ---------------------------------------------------------------- after: last-role-end

def test_last_role_end_does_not_run_while_a_role_is_open():
    model = build(people=[person(label("office-holders"))],
                  roles=[role("r-1", "2018-01-01", "2022-05-31"), role("r-2", "2022-06-01")])
    r = the_retention(model)
    assert r.anchor is None and r.ends is None
    assert not r.expired(dt.date(2099, 1, 1)) and not r.ends_within(TODAY, 100000)


def test_a_role_ending_today_is_still_open():
    model = build(people=[person(label("office-holders"))], roles=[role("r-1", "2018-01-01", "2026-11-24")])
    assert the_retention(model).anchor is None


def test_last_role_end_counts_from_the_latest_end():
    model = build(people=[person(label("office-holders"))],
                  roles=[role("r-2", "2022-06-01", "2024-06-30"), role("r-1", "2018-01-01", "2022-05-31")])
    r = the_retention(model)
    assert (r.anchor, r.ends) == (D("2024-06-30"), D("2026-06-30"))
    assert r.expired(TODAY)


def test_last_role_end_without_roles_counts_from_the_label_start():
    r = the_retention(build(people=[person(label("office-holders", "2023-03-01"))]))
    assert (r.anchor, r.ends) == (D("2023-03-01"), D("2025-03-01"))


def test_roles_of_other_people_do_not_count():
    model = build(people=[person(label("office-holders", "2025-03-01"))],
                  roles=[role("r-1", "2018-01-01", who="p-bbbbbb")])
    assert the_retention(model).anchor == D("2025-03-01")


# ---------------------------------------------------------------- after: consent-withdrawn

@pytest.mark.parametrize("consents, anchor", [
    ([{"purpose": "newsletter", "given": "2024-01-01"}], None),  # valid: not running
    ([{"purpose": "newsletter", "given": "2024-01-01", "withdrawn": "2026-10-01"}], "2026-10-01"),
    ([{"purpose": "newsletter", "given": "2024-01-01", "withdrawn": "2026-12-01"}], None),  # not yet withdrawn
    ([{"purpose": "newsletter", "given": "2024-01-01", "withdrawn": "2025-01-01"},
      {"purpose": "newsletter", "given": "2025-06-01"}], None),  # given again
    ([{"purpose": "events", "given": "2024-01-01", "withdrawn": "2025-01-01"}], None),  # another purpose
    ([], None),  # never given (P003's finding)
])
def test_consent_withdrawn(consents, anchor):
    r = the_retention(build(people=[person(label("newsletter", "2024-01-01"), consents=consents)]))
    assert r.anchor == (D(anchor) if anchor else None)


def test_withdrawn_consent_expires_a_month_later():
    model = build(people=[person(label("newsletter", "2024-01-01"),
                                 consents=[{"purpose": "newsletter", "given": "2024-01-01",
                                            "withdrawn": "2026-10-31"}])])
    r = the_retention(model)
    assert r.ends == D("2026-11-30") and r.ends_within(TODAY, 30) and not r.expired(TODAY)


# ---------------------------------------------------------------- after: request-closed

def request_from(rid, received, closed=None, who="p-aaaaaa", kind="question"):
    data = {"kind": kind, "received": received, "from": {"person": who}}
    if closed:
        data["closed"] = closed
    return (rid, data)


def test_request_closed_does_not_run_while_a_request_is_open():
    model = build(people=[person(label("member-services"))],
                  requests=[request_from("q-1", "2020-01-01", "2020-02-01"), request_from("q-2", "2026-01-01")])
    assert the_retention(model).anchor is None


def test_request_closed_counts_from_the_latest_closing():
    model = build(people=[person(label("member-services"))],
                  requests=[request_from("q-2", "2021-01-01", "2021-03-01"),
                            request_from("q-1", "2020-01-01", "2020-02-01")])
    r = the_retention(model)
    assert (r.anchor, r.ends, r.then) == (D("2021-03-01"), D("2026-03-01"), "anonymise")


def test_request_closed_without_requests_counts_from_the_label_start():
    assert the_retention(build(people=[person(label("member-services", "2021-06-01"))])).anchor == D("2021-06-01")


# ---------------------------------------------------------------- labels that ended or have not started

def test_an_ended_label_runs_at_the_latest_from_its_end():
    # the role is still open, but the label ended: the period runs from the label's end
    model = build(people=[person(label("office-holders", "2020-01-01", until="2024-06-30"))],
                  roles=[role("r-1", "2018-01-01")])
    r = the_retention(model)
    assert (r.anchor, r.ends) == (D("2024-06-30"), D("2026-06-30"))
    assert r.expired(TODAY)


def test_an_ended_label_keeps_an_earlier_anchor():
    model = build(people=[person(label("events", "2024-03-01", until="2025-12-31"))])
    assert the_retention(model).anchor == D("2024-03-01")  # collected before the label ended


def test_activity_after_the_label_ended_does_not_extend_it():
    model = build(people=[person(label("contacts", "2022-01-01", until="2024-01-31"))],
                  interactions=[("i-1", {"date": "2026-10-01", "people": ["p-aaaaaa"]})])
    assert the_retention(model).anchor == D("2024-01-31")


def test_a_label_ending_today_still_holds():
    model = build(people=[person(label("office-holders", "2020-01-01", until="2026-11-24"))],
                  roles=[role("r-1", "2018-01-01")])
    assert the_retention(model).anchor is None  # the role is open and the label holds today


def test_a_label_that_has_not_started_has_no_retention():
    model = build(people=[person(label("events", "2027-01-01"))])
    assert of_person(model, model.get("people", "p-aaaaaa"), TODAY) == []


@pytest.mark.parametrize("purposes", [
    {},  # unknown purpose
    {"events": {"title": "x"}},  # no retention
    {"events": {"title": "x", "retention": "P1Y"}},  # wrong shape
    {"events": {"title": "x", "retention": {"period": "one year", "after": "collected", "then": "delete"}}},
    {"events": {"title": "x", "retention": {"period": "P1Y", "then": "delete"}}},
])
def test_no_valid_policy_no_retention(purposes):
    model = build(people=[person(label("events", "2020-01-01"))], purposes=purposes)
    assert of_person(model, model.get("people", "p-aaaaaa"), TODAY) == []


def test_broken_labels_are_skipped():
    broken = ["events", {"since": "2020-01-01"}, label("events", "2020-01-01")]
    model = build(people=[("p-aaaaaa", {"purposes": broken})])
    assert [r.pointer for r in of_person(model, model.get("people", "p-aaaaaa"), TODAY)] == [("purposes", 2)]


def test_labels_in_force():
    model = build(
        people=[person(label("events", "2020-01-01"),  # holds today, although its period ended: in force
                       label("office-holders", "2020-01-01", until="2025-06-30"),  # ended, period runs: in force
                       label("contacts", "2020-01-01", until="2022-06-30"),  # ended, period over: not
                       label("member-services", "2027-01-01"),  # not started
                       label("unknown", "2020-01-01", until="2025-06-30"))],  # ended, no policy: not
        roles=[role("r-1", "2018-01-01")])
    person_record = model.get("people", "p-aaaaaa")
    assert [lab.index for lab in labels_in_force(model, person_record, TODAY)] == [0, 1]
    assert [lab.index for lab in labels(person_record)] == [0, 1, 2, 3, 4]


def test_of_label_matches_of_person():
    model = build(people=[person(label("events", "2025-01-10"), label("contacts", "2022-01-01"))])
    person_record = model.get("people", "p-aaaaaa")
    assert [of_label(model, person_record, lab, TODAY) for lab in labels(person_record)] == \
        of_person(model, person_record, TODAY)


# ---------------------------------------------------------------- contact moments

def interaction(date="2024-01-15", purpose="office-holders", **extra):
    return ("i-1", {"date": date, "kind": "meeting", "people": ["p-aaaaaa"], "summary": "x", "purpose": purpose,
                    **extra})


def test_a_contact_moment_counts_from_its_date_whatever_after_says():
    model = build(interactions=[interaction()], roles=[role("r-1", "2018-01-01")])  # the role is still open
    r = of_interaction(model, model.get("interactions", "i-1"))
    assert (r.pointer, r.anchor, r.ends) == (("purpose",), D("2024-01-15"), D("2026-01-15"))


def test_a_contact_moment_of_a_request_counts_from_its_closing():
    closed = build(interactions=[interaction("2025-01-01", "member-services", request="q-1")],
                   requests=[request_from("q-1", "2024-12-01", "2025-02-15")])
    assert of_interaction(closed, closed.get("interactions", "i-1")).anchor == D("2025-02-15")
    still_open = build(interactions=[interaction("2025-01-01", "member-services", request="q-1")],
                       requests=[request_from("q-1", "2024-12-01")])
    assert of_interaction(still_open, still_open.get("interactions", "i-1")).anchor is None
    unknown = build(interactions=[interaction("2025-01-01", "member-services", request="q-9")])
    assert of_interaction(unknown, unknown.get("interactions", "i-1")).anchor == D("2025-01-01")


def test_the_request_only_matters_for_request_closed():
    model = build(interactions=[interaction("2025-01-01", "events", request="q-1")],
                  requests=[request_from("q-1", "2024-12-01")])
    assert of_interaction(model, model.get("interactions", "i-1")).anchor == D("2025-01-01")


@pytest.mark.parametrize("purpose", ["unknown", None, ["office-holders"]])
def test_a_contact_moment_without_a_valid_purpose_has_no_retention(purpose):
    model = build(interactions=[interaction(purpose=purpose)])
    assert of_interaction(model, model.get("interactions", "i-1")) is None


def test_everything_covers_people_and_contact_moments():
    model = build(people=[person(label("events", "2025-01-10"))], interactions=[interaction()])
    assert sorted((r.record.folder, r.pointer) for r in everything(model, TODAY)) == [
        ("interactions", ("purpose",)), ("people", ("purposes", 0))]


# ---------------------------------------------------------------- deadlines (Art. 12(3))

def request(received="2026-11-02", kind="access", **extra) -> Record:
    data = {"kind": kind, "received": received, **extra}
    return Record("requests", "dsr-1", "records/requests/dsr-1.yaml", data)


@pytest.mark.parametrize("kind", ["access", "rectification", "erasure", "portability", "objection", "restriction"])
def test_every_data_subject_right_has_a_deadline(kind):
    assert deadline(request(kind=kind)).due == D("2026-12-02")


@pytest.mark.parametrize("kind", ["question", "project", "complaint", "other", None])
def test_other_requests_have_none(kind):
    assert deadline(request(kind=kind)) is None


@pytest.mark.parametrize("received", [None, "2026-13-01", "yesterday", 20261102])
def test_no_deadline_without_a_valid_receipt(received):
    assert deadline(request(received=received)) is None


@pytest.mark.parametrize("received, due", [
    ("2026-11-02", "2026-12-02"),
    ("2026-01-31", "2026-02-28"),
    ("2028-01-31", "2028-02-29"),
    ("2026-03-31", "2026-04-30"),
    ("2026-12-15", "2027-01-15"),
    ("2026-02-28", "2026-03-28"),
])
def test_one_calendar_month(received, due):
    result = deadline(request(received=received))
    assert (result.received, result.due, result.extended, result.extension_late) == (D(received), D(due), False, False)


@pytest.mark.parametrize("received, notified, due", [
    ("2026-11-02", "2026-11-10", "2027-02-02"),
    ("2026-11-02", "2026-12-02", "2027-02-02"),  # on the last day of the first month: in time
    ("2026-11-30", "2026-12-30", "2027-02-28"),  # three months from receipt, not from the first deadline
    ("2026-01-31", "2026-02-28", "2026-04-30"),
    ("2027-11-30", "2027-12-30", "2028-02-29"),
])
def test_an_extension_notified_within_the_first_month_gives_three_months(received, notified, due):
    result = deadline(request(received=received, extension={"reason": "Many archives", "notified": notified}))
    assert (result.due, result.extended, result.extension_late) == (D(due), True, False)


@pytest.mark.parametrize("received, notified, due", [
    ("2026-11-02", "2026-12-03", "2026-12-02"),  # one day too late
    ("2026-01-31", "2026-03-01", "2026-02-28"),
])
def test_an_extension_notified_after_the_first_month_does_not_count(received, notified, due):
    result = deadline(request(received=received, extension={"reason": "Many archives", "notified": notified}))
    assert (result.due, result.extended, result.extension_late) == (D(due), False, True)


@pytest.mark.parametrize("extension", [
    {"notified": "2026-11-10"},  # no reason: Art. 12(3) requires the reasons
    {"reason": "", "notified": "2026-11-10"},
    {"reason": "Many archives"},  # never notified
    {"reason": "Many archives", "notified": "soon"},
])
def test_an_incomplete_extension_does_not_count(extension):
    result = deadline(request(extension=extension))
    assert (result.due, result.extended) == (D("2026-12-02"), False)


def test_an_extension_of_the_wrong_shape_is_ignored():
    result = deadline(request(extension="two months"))
    assert (result.due, result.extended, result.extension_late) == (D("2026-12-02"), False, False)


@pytest.mark.parametrize("extra, answered", [
    ({}, None),
    ({"outcome": {"decision": "granted", "date": "2026-11-20"}}, "2026-11-20"),
    ({"closed": "2026-11-21"}, "2026-11-21"),
    ({"outcome": {"decision": "granted", "date": "2026-11-20"}, "closed": "2026-11-25"}, "2026-11-20"),
    ({"outcome": {"decision": "granted"}}, None),  # a decision without a date is not an answer on record
    ({"outcome": "granted"}, None),
    ({"outcome": {"decision": "refused", "date": "2027-01-05"}}, "2027-01-05"),  # late answers stay answers
])
def test_answered(extra, answered):
    assert deadline(request(**extra)).answered == (D(answered) if answered else None)


# ---------------------------------------------------------------- what P007/P008 and P012/P013 say

def _hints(model):
    return {r.pointer: (counted_from(model, r, TODAY), action(model, r, TODAY)) for r in everything(model, TODAY)}


def test_the_last_purpose_gone_means_erasing_the_person():
    model = build(people=[person(label("events", "2025-01-10"))])
    counted, hint = _hints(model)[("purposes", 0)]
    assert counted == "collection on 2025-01-10"
    assert "crmtool subject erase p-aaaaaa" in hint


def test_anonymise_when_no_other_purpose_remains():
    model = build(people=[person(label("member-services", "2019-01-01"))],
                  requests=[request_from("q-1", "2020-01-01", "2020-02-01")])
    counted, hint = _hints(model)[("purposes", 0)]
    assert counted == "the closing of the last request on 2020-02-01"
    assert "crmtool subject anonymise p-aaaaaa" in hint


def test_another_purpose_keeps_the_person_and_the_data_it_allows():
    purposes = {pid: {"title": pid, "retention": policy} for pid, policy in POLICIES.items()}
    purposes["events"]["data_categories"] = ["name", "contact", "notes"]
    purposes["office-holders"]["data_categories"] = ["name", "contact", "role"]
    model = build(people=[person(label("events", "2025-01-10"), label("office-holders"))],
                  roles=[role("r-1", "2022-06-01")], purposes=purposes)
    counted, hint = _hints(model)[("purposes", 0)]
    assert "erase" not in hint and "(notes)" in hint and "office-holders" in hint


def test_an_expired_other_label_does_not_keep_the_person():
    model = build(people=[person(label("events", "2024-01-10"), label("office-holders", "2020-01-01"))],
                  roles=[role("r-1", "2018-01-01", "2023-12-31")])
    hints = _hints(model)
    assert "crmtool subject erase" in hints[("purposes", 0)][1]
    assert "crmtool subject erase" in hints[("purposes", 1)][1]
    assert hints[("purposes", 1)][0] == "the end of the last role on 2023-12-31"


def test_review_asks_for_a_recorded_decision():
    model = build(people=[person(label("contacts", "2020-01-01"))])
    counted, hint = _hints(model)[("purposes", 0)]
    assert counted == "the last activity on 2020-01-01"
    assert hint.startswith("Decide whether the data is still needed for 'contacts'") and "waiver for P007" in hint


def test_an_ended_label_says_so():
    model = build(people=[person(label("office-holders", "2020-01-01", until="2024-06-30"))],
                  roles=[role("r-1", "2018-01-01")])
    assert _hints(model)[("purposes", 0)][0] == "the end of this purpose label on 2024-06-30"


def test_contact_moments():
    model = build(interactions=[interaction("2024-01-15", "member-services", request="q-1")],
                  requests=[request_from("q-1", "2018-12-01", "2019-02-15")])
    assert _hints(model)[("purpose",)] == ("the closing of request q-1 on 2019-02-15",
                                           action(model, next(everything(model, TODAY)), TODAY))
    assert _hints(model)[("purpose",)][1].startswith("Anonymise the contact moment")
    model = build(interactions=[interaction("2020-01-15", "events")])
    assert _hints(model)[("purpose",)] == ("the contact moment on 2020-01-15", "Delete this file.")


@pytest.mark.parametrize("extension, says", [
    ({"reason": "Many archives", "notified": "2026-12-03"}, "told on 2026-12-03, after the first month"),
    ({"notified": "2026-11-10"}, "records no reason"),
    ({"reason": "Many archives"}, "records no date"),
    ({"reason": "Many archives", "notified": "2026-11-10"}, None),
])
def test_why_an_extension_does_not_count(extension, says):
    req = request(extension=extension)
    text = void_extension(req, deadline(req))
    assert (says in text) if says else text == ""
