"""The workspace's pipeline board, review and dashboard (issue 17, items 4 and 5): each request
in the stage its history says, the filters, the review's items as `crmtool review` lists
them, every chart with a table whose numbers equal counts made here from the YAML, SVG that
parses, hostile text escaped, nothing inline."""
from __future__ import annotations

import datetime as dt
import json
import re
import statistics
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from crmtool.domain.durations import add_months
from crmtool.domain.pipeline import DEFAULT

from .conftest import TODAY
from .serving import association_copy, cooperative_copy, signed_in


@pytest.fixture
def cooperative(tmp_path: Path) -> Path:
    return cooperative_copy(tmp_path)


@pytest.fixture
def association(tmp_path: Path) -> Path:
    return association_copy(tmp_path)


def records(root: Path, folder: str) -> dict[str, dict]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted((root / "records" / folder).rglob("*.yaml"))}


def history(request: dict, on: dt.date = TODAY) -> list[dict]:
    """The history entries by day `on`, in order (a stable sort keeps the file's order within a day)."""
    return sorted((h for h in request.get("history") or [] if h["date"] <= on), key=lambda h: h["date"])


def stage_on(request: dict, on: dt.date = TODAY) -> str:
    entries = history(request, on)
    return entries[-1]["stage"] if entries else request["stage"]


def assignee_on(request: dict, on: dt.date = TODAY) -> str:
    handed = [h["assignee"] for h in history(request, on) if h.get("assignee")]
    return handed[-1] if handed else request.get("assignee")


def stays(request: dict, on: dt.date = TODAY) -> list[list]:
    """[stage, first day, day it left or None] for each stay, as a reader of the YAML counts them."""
    result: list[list] = []
    for entry in history(request, on):
        if result and result[-1][0] == entry["stage"]:
            continue
        if result:
            result[-1][2] = entry["date"]
        result.append([entry["stage"], entry["date"], None])
    return result


def columns(page: str) -> dict[str, list[str]]:
    """The board's columns: label → request ids of its cards, in order."""
    found = {}
    for section in re.findall(r'<section class="column".*?</section>', page, re.S):
        label = re.search(r"<h2[^>]*>(.*?) <span", section, re.S).group(1).strip()
        found[label] = re.findall(r'<h3><a href="/requests/([^"]+)"', section)
    return found


def card(page: str, request: str) -> str:
    return re.search(rf'<article class="item[^"]*">\s*<h3><a href="/requests/{request}".*?</article>', page,
                     re.S).group(0)


def assert_nothing_inline(page: str) -> None:
    assert not re.search(r"\sstyle=|\son[a-z]+=|<style", page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)


# --- the board ---------------------------------------------------------------------------

def test_the_board_shows_each_request_in_the_stage_its_history_says(cooperative):
    requests = records(cooperative, "requests")
    labels = {stage: data["label"]["nl"] for stage, data in DEFAULT["stages"].items()}
    expected: dict[str, set[str]] = {label: set() for label in labels.values()}
    for rid, request in requests.items():
        expected[labels[stage_on(request)]].add(rid)
    with signed_in(cooperative) as client:
        answer = client.get("/pipeline")
    assert answer.status_code == 200
    shown = columns(answer.text)
    assert list(shown) == list(labels.values())  # a column per stage, in the pipeline's order
    assert {label: set(ids) for label, ids in shown.items()} == expected
    assert sum(len(ids) for ids in shown.values()) == len(requests) == 8
    for label, ids in shown.items():  # the counts of `crmtool query pipeline` beside the board
        assert re.search(rf"<tr><td>{re.escape(label)}</td><td>{len(ids)}</td></tr>", answer.text)
    # each card: its title, assignee, days in the stage, follow-up (overdue marked)
    for rid, request in requests.items():
        shown_card = card(answer.text, rid)
        assert request["title"] in shown_card and f"<code>{assignee_on(request)}</code>" in shown_card
        first_day = stays(request)[-1][1]
        days = (TODAY - first_day).days
        assert f"{days} {'dag' if days == 1 else 'dagen'} " in shown_card
        assert f"sinds {first_day.isoformat()}" in shown_card
    assert 'class="overdue">2026-11-18' in card(answer.text, "rq-2026-034")  # follow-up 18 Nov, today 24 Nov
    assert "overdue" not in card(answer.text, "rq-2026-039")  # follow-up 30 Nov, not yet
    assert_nothing_inline(answer.text)


def test_the_board_filters_by_assignee_and_kind(cooperative):
    requests = records(cooperative, "requests")
    with signed_in(cooperative) as client:
        access = client.get("/pipeline", params={"kind": "access"})
        both = client.get("/pipeline", params={"kind": "question", "assignee": "lotte"})
        by_wout = client.get("/pipeline", params={"assignee": "wout", "lang": "en"})
    shown = {rid for ids in columns(by_wout.text).values() for rid in ids}
    assert shown == {rid for rid, r in requests.items() if assignee_on(r) == "wout"} == {
        "rq-2026-022", "rq-2026-031", "rq-2026-039"}
    assert "In this stage" in by_wout.text and "Received" in by_wout.text  # English on request
    assert '<option value="wout" selected>' in by_wout.text
    assert {rid for ids in columns(access.text).values() for rid in ids} == {
        rid for rid, r in requests.items() if r["kind"] == "access"}
    assert '<option value="access" selected>' in access.text
    # the counts follow the kind filter, as `crmtool query pipeline --kind access` does
    assert "<tr><td>Afgesloten</td><td>1</td></tr>" in access.text
    assert {rid for ids in columns(both.text).values() for rid in ids} == {
        rid for rid, r in requests.items() if r["kind"] == "question" and assignee_on(r) == "lotte"}


def test_the_board_of_the_association(association):
    requests = records(association, "requests")
    with signed_in(association) as client:
        answer = client.get("/pipeline")
    assert answer.status_code == 200
    shown = columns(answer.text)
    labels = {stage: data["label"]["nl"] for stage, data in DEFAULT["stages"].items()}
    for rid, request in requests.items():
        if request["received"] <= TODAY:
            assert rid in shown[labels[stage_on(request)]]


def test_a_column_shows_a_limited_number_of_cards_and_links_the_rest(cooperative):
    from crmtool.index.build import build_index
    from crmtool.index.dashboard import board
    from crmtool.load.repo import Repository
    from crmtool.domain.pipeline import pipeline_of
    from crmtool.index.build import open_index

    repo = Repository(cooperative)
    db = open_index(build_index(repo).path)
    try:
        found = board(db, TODAY, pipeline_of({}), per_column=1)
    finally:
        db.close()
    closed = next(c for c in found.columns if c.stage == "closed")
    assert closed.count == 2 and len(closed.cards) == 1 and closed.more == 1
    assert closed.cards[0].request == "rq-2026-040"  # the most recently finished first


def test_a_hostile_title_is_escaped_on_the_board(cooperative):
    path = cooperative / "records" / "requests" / "rq-2026-039.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: Infoavond energiedelen met Zonnewijk", "title: '<script>alert(1)</script>'"), encoding="utf-8")
    with signed_in(cooperative) as client:
        page = client.get("/pipeline").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- the review --------------------------------------------------------------------------

def review_json(root: Path, *args: str, today: dt.date = TODAY) -> dict:
    done = subprocess.run([sys.executable, "-m", "crmtool", "review", "--format", "json", "--today",
                           today.isoformat(), *args], cwd=root, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def review_ids(page: str) -> list[str]:
    items = re.findall(r'<ul class="review-items">(.*?)</ul>', page, re.S)
    return [rid for part in items for rid in re.findall(r"</a>\s*<code>([^<]+)</code>|\s<code>([^<]+)</code>:", part)
            for rid in rid if rid]


@pytest.mark.parametrize("make", [association_copy, cooperative_copy])
def test_the_review_page_lists_what_crmtool_review_lists(tmp_path, make):
    root = make(tmp_path)
    expected = review_json(root)
    with signed_in(root) as client:
        page = client.get("/review")
        soon = client.get("/review", params={"days": "0"})
    assert page.status_code == 200
    assert review_ids(page.text) == [item["record"] for item in expected["items"]]
    assert review_ids(soon.text) == [item["record"] for item in review_json(root, "--days", "0")["items"]]
    for item in expected["items"]:  # the same sentence as the terminal, linked to the card when there is one
        assert item["text"].replace("'", "&#39;").replace('"', "&#34;") in page.text
        folder = item["path"].split("/")[1]
        if folder in ("people", "requests", "organisations", "roles", "interactions"):
            assert f'href="/{folder}/{item["record"]}"' in page.text
    assert_nothing_inline(page.text)


def test_the_review_is_grouped_by_team_and_filtered(association):
    expected = review_json(association)["items"]
    teams = list(dict.fromkeys(item["owner"] for item in expected))
    assert len(teams) > 1
    with signed_in(association) as client:
        page = client.get("/review").text
        one = client.get("/review", params={"team": teams[1]}).text
        wrong = client.get("/review", params={"days": "soon"})
        english = client.get("/review", params={"lang": "en"}).text
    headings = re.findall(r'<h2 id="team-\d+">(.*?)</h2>', page)
    assert len(headings) == len(teams) and all(h.startswith("Team ") for h in headings)
    assert "<h1>Controle</h1>" in page and "<h1>Review</h1>" in english and "Team " in english
    assert review_ids(one) == [item["record"] for item in expected if item["owner"] == teams[1]]
    assert wrong.status_code == 400 and "dagen: geef een geheel aantal dagen" in wrong.text


def test_the_review_takes_the_model_once_and_follows_a_changed_file(cooperative):
    with signed_in(cooperative) as client:
        workspace = client.app.state.workspace  # type: ignore[attr-defined]
        first = client.get("/review").text
        client.get("/review")
        client.get("/dashboard")
        assert workspace.model_loads == 1
        assert "2026-11-26" not in first
        path = cooperative / "records" / "requests" / "rq-2026-039.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("follow_up: 2026-11-30", "follow_up: 2026-11-26"),
                        encoding="utf-8")
        changed = client.get("/review").text
        assert (workspace.model_loads, workspace.model_follows) == (1, 1)  # the one file taken again, not all
        assert "2026-11-26" in changed


def test_the_first_page_is_prepared_while_the_browser_opens(cooperative, monkeypatch):
    from crmtool.serve import workspace as module
    real, reviews = module.review, []
    monkeypatch.setattr(module, "review", lambda *args: reviews.append(args) or real(*args))
    with signed_in(cooperative) as client:
        workspace = client.app.state.workspace  # type: ignore[attr-defined]
        workspace.warm(TODAY).join(timeout=60)
        assert (workspace.model_loads, len(reviews)) == (1, 1)
        home = client.get("/")
        assert home.status_code == 200
        assert (workspace.model_loads, len(reviews)) == (1, 1)  # the page took what was made


# --- the dashboard -----------------------------------------------------------------------

def charts(page: str) -> dict[str, dict]:
    """Each chart of the page: its SVG (parsed) and its table (row label → cells)."""
    found = {}
    for key, section in re.findall(r'<section class="dashboard-chart" id="([^"]+)".*?>(.*?)</section>', page, re.S):
        svg = re.search(r"<svg.*?</svg>", section, re.S).group(0)
        caption = re.search(r'<caption id="([^"]+)">', section).group(1)
        table = {}
        for label, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', section, re.S):
            table[label] = re.findall(r"<td>(.*?)</td>", cells)
        found[key] = {"svg": ET.fromstring(svg), "caption": caption, "table": table, "html": section}
    return found


def month_keys(first: dt.date, count: int = 12) -> list[str]:
    return [add_months(first.replace(day=1), n).isoformat()[:7] for n in range(count)]


def test_every_chart_has_its_table_and_well_formed_svg(cooperative):
    with signed_in(cooperative) as client:
        page = client.get("/dashboard")
        english = client.get("/dashboard", params={"lang": "en"})
    assert page.status_code == 200
    found = charts(page.text)
    assert list(found) == ["requests-per-month", "funnel", "time-per-stage", "subject-deadlines",
                           "people-per-purpose", "retention-due", "roles-ending"]
    for key, chart in found.items():
        svg = chart["svg"]
        assert svg.tag == "svg" and svg.get("role") == "img"
        assert svg.get("aria-labelledby") == chart["caption"] == f"{key}-caption"
        assert chart["table"], key
        assert svg.findall(".//text")  # labels drawn
        assert all(not e.get("style") and not e.get("fill") for e in svg.iter())  # colours from the stylesheet
    assert "Verzoeken per maand" in page.text and "Requests per month" in english.text
    assert "https://" not in page.text and "http://" not in page.text
    assert_nothing_inline(page.text)


def test_the_charts_count_what_the_records_say(cooperative):
    requests = records(cooperative, "requests")
    people = records(cooperative, "people")
    with signed_in(cooperative) as client:
        found = charts(client.get("/dashboard").text)

    # requests per month by kind: the last twelve months
    table = found["requests-per-month"]["table"]
    months = month_keys(add_months(TODAY.replace(day=1), -11))
    assert list(table) == months
    totals = {m: sum(1 for r in requests.values() if r["received"].isoformat()[:7] == m and r["received"] <= TODAY)
              for m in months}
    assert {m: sum(int(c) for c in cells) for m, cells in table.items()} == totals
    assert sum(totals.values()) == len(requests)

    # the funnel: requests that got at least as far as each stage
    funnel = ["received", "triage", "in-progress", "proposal", "approved"]
    reached = [0] * len(funnel)
    for request in requests.values():
        seen = {h["stage"] for h in history(request)} or {request["stage"]}
        furthest = max((n for n, s in enumerate(funnel) if s in seen), default=-1)
        for n in range(furthest + 1):
            reached[n] += 1
    assert [int(cells[0]) for cells in found["funnel"]["table"].values()] == reached == [8, 7, 6, 2, 1]
    assert list(found["funnel"]["table"])[0] == "Binnengekomen" and list(found["funnel"]["table"])[-1] == "Goedgekeurd"

    # median days per stage, over the stays that ended
    lengths: dict[str, list[int]] = {}
    for request in requests.values():
        for stage, first, left in stays(request):
            if left is not None:
                lengths.setdefault(stage, []).append((left - first).days)
    rows = found["time-per-stage"]["table"]
    for stage in funnel:
        label = DEFAULT["stages"][stage]["label"]["nl"]
        median, counted = rows[label]
        assert int(counted) == len(lengths.get(stage, []))
        if lengths.get(stage):
            days = int(statistics.median(lengths[stage]) + 0.5)
            assert median == f"{days} {'dag' if days == 1 else 'dagen'}"

    # data-subject requests against their deadline: the one access request, answered in time
    subject = [r for r in requests.values() if r["kind"] in ("access", "erasure", "rectification", "portability",
                                                              "objection", "restriction")]
    answered_in_time = [r for r in subject if r["outcome"]["date"] <= add_months(r["received"], 1)]
    assert [int(c[0]) for c in found["subject-deadlines"]["table"].values()] == [len(answered_in_time), 0, 0]

    # people per purpose: labels that hold today
    counts: dict[str, int] = {}
    for person in people.values():
        current = {label["purpose"] for label in person.get("purposes") or []
                   if (label.get("since") is None or label["since"] <= TODAY)
                   and (label.get("until") is None or label["until"] >= TODAY)}
        for purpose in current:
            counts[purpose] = counts.get(purpose, 0) + 1
    shown = {re.search(r"\(([^)]+)\)$", label).group(1): int(cells[0])
             for label, cells in found["people-per-purpose"]["table"].items()}
    assert {k: v for k, v in shown.items() if v} == counts
    assert set(shown) == set(records(cooperative, "purposes"))


def test_roles_ending_count_the_roles_that_end(association):
    roles = records(association, "roles")
    on = dt.date(2026, 1, 15)  # before the council election of March 2026: the old council's roles end
    with signed_in(association, today=on) as client:
        found = charts(client.get("/dashboard").text)
    last = add_months(on.replace(day=1), 12) - dt.timedelta(days=1)
    ending = {m: 0 for m in month_keys(on)}
    for role in roles.values():
        end = role.get("end")
        if end is not None and on <= end <= last:
            ending[end.isoformat()[:7]] += 1
    assert {m: int(c[0]) for m, c in found["roles-ending"]["table"].items()} == ending
    assert sum(ending.values()) > 0  # there is something to compare


@pytest.mark.parametrize("on", [TODAY, dt.date(2032, 6, 1)])
def test_retention_falling_due_counts_what_the_review_lists(association, on):
    """What falls due is the review's "erase or anonymise" items over a long horizon; in 2032
    the first people's data of the association falls due."""
    with signed_in(association, today=on) as client:
        found = charts(client.get("/dashboard").text)
    last = add_months(on.replace(day=1), 12) - dt.timedelta(days=1)
    months = month_keys(on)
    items = [i for i in review_json(association, "--days", "800", today=on)["items"]
             if i["kind"] == "erase-or-anonymise"]
    due = {m: 0 for m in months}
    before = 0
    for item in items:
        day = dt.date.fromisoformat(item["due"])
        if day < on:
            before += 1
        elif day <= last:
            due[day.isoformat()[:7]] += 1
    table = found["retention-due"]["table"]
    assert sum(int(c) for c in table[f"voor {on.isoformat()}"]) == before
    assert {m: sum(int(c) for c in cells) for m, cells in table.items() if m in due} == due
    if on.year == 2032:
        assert sum(due.values()) >= 3  # 2032-11-24, 2033-04-03 twice


def test_a_hostile_label_is_escaped_in_the_chart_and_its_table(cooperative):
    path = cooperative / "records" / "purposes" / "newsletter.yaml"
    text = path.read_text(encoding="utf-8")
    assert "title:" in text
    path.write_text(re.sub(r"(?m)^title:.*$", "title: '<script>alert(1)</script> & \"x\"'", text, count=1),
                    encoding="utf-8")
    with signed_in(cooperative) as client:
        page = client.get("/dashboard").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    chart = charts(page)["people-per-purpose"]  # the SVG still parses, and says the text as text
    assert any("<script>alert(1)</script>" in (t.text or "") for t in chart["svg"].iter("text"))


def test_the_dashboard_is_computed_once_while_nothing_changes(cooperative, monkeypatch):
    """Its charts are worked out again after a file changed, and per language, never per page."""
    from crmtool.index import dashboard as module
    calls: list = []
    real = module.dashboard
    monkeypatch.setattr(module, "dashboard", lambda *args: calls.append(1) or real(*args))
    with signed_in(cooperative) as client:
        first = client.get("/dashboard").text
        assert client.get("/dashboard").text == first and len(calls) == 1
        assert client.get("/dashboard?lang=en").status_code == 200 and len(calls) == 2
        path = cooperative / "records" / "requests" / "rq-2026-039.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("kind: project", "kind: question"),
                        encoding="utf-8")
        changed = client.get("/dashboard?lang=nl").text
        assert len(calls) == 3 and changed != first
