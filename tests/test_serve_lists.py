"""The workspace's lists (issue 17, item 2): filters return exactly the records the YAML says,
pages and their boundaries, sorting both ways, parameters that are not offered or that carry
SQL do nothing, the language, escaping; and the people's downloads are the bytes `crmtool
export` writes for the same purpose, refused without one as the command refuses."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml
from click.testing import CliRunner
from starlette.requests import Request

from crmtool.cli import cli
from crmtool.load.repo import Repository, UsageError
from crmtool.serve.app import Page
from crmtool.serve.pages import lists as list_pages
from crmtool.serve.workspace import Workspace

from .conftest import TODAY
from .serving import association_copy, cooperative_copy, signed_in


@pytest.fixture
def association(tmp_path: Path) -> Path:
    return association_copy(tmp_path)


def records(root: Path, folder: str) -> dict[str, dict]:
    """Every record of a folder as the YAML says, by id (interactions sit in year folders)."""
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in (root / "records" / folder).rglob("*.yaml")}


def held(person: dict, purpose: str, day: dt.date) -> bool:
    return any(label.get("purpose") == purpose and (label.get("since") is None or label["since"] <= day)
               and (label.get("until") is None or day <= label["until"]) for label in person.get("purposes") or [])


def listed(text: str, folder: str) -> list[str]:
    """The ids of the records a list page shows, in its order (each row links its card first)."""
    body = text.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in text else ""
    rows = body.split("<tr>")[1:]
    found = []
    for row in rows:
        match = re.search(rf'href="/{folder}/([^"]+)"', row)
        assert match, row
        found.append(match.group(1))
    return found


def get(client, path: str, **query) -> str:
    answer = client.get(path + ("?" + urlencode(query) if query else ""))
    assert answer.status_code == 200, (path, query, answer.status_code)
    return answer.text


def test_the_people_list_shows_everyone_with_ids_next_to_names(association):
    people = records(association, "people")
    with signed_in(association) as client:
        text = get(client, "/people", lang="en")
    assert f"1–{len(people)} of {len(people)}" in text
    assert sorted(listed(text, "people")) == sorted(people)
    assert '<a href="/people/p-r5epc6">Teun Jansen</a> <code>p-r5epc6</code>' in text
    assert "t.jansen@lelystad.example.nl" in text and "Public affairs" in text


@pytest.mark.parametrize("purpose", ["newsletter", "office-holders", "events", "member-services"])
def test_people_by_purpose_are_those_held_for_it_today(association, purpose):
    expected = {pid for pid, person in records(association, "people").items() if held(person, purpose, TODAY)}
    with signed_in(association) as client:
        assert set(listed(get(client, "/people", purpose=purpose), "people")) == expected


def test_people_by_tag_and_team(association):
    people = records(association, "people")
    with signed_in(association) as client:
        for tag in ("warmtenet", "woningbouw"):
            expected = {pid for pid, p in people.items() if tag in (p.get("tags") or [])}
            assert expected and set(listed(get(client, "/people", tag=tag), "people")) == expected
        expected = {pid for pid, p in people.items() if p.get("owner") == "privacy"}
        assert set(listed(get(client, "/people", owner="privacy"), "people")) == expected
        both = {pid for pid, p in people.items() if "warmtenet" in (p.get("tags") or []) and
                held(p, "newsletter", TODAY)}
        assert set(listed(get(client, "/people", tag="warmtenet", purpose="newsletter"), "people")) == both


def test_people_by_organisation_hold_a_role_there_today_or_in_a_part_of_it(association):
    organisations = records(association, "organisations")
    almere = {oid for oid, o in organisations.items()
              if oid == "gemeente-almere" or o.get("parent") == "gemeente-almere"}
    expected = {r["person"] for r in records(association, "roles").values()
                if r.get("organisation") in almere and r.get("person") and r["start"] <= TODAY
                and (r.get("end") is None or TODAY <= r["end"])}
    with signed_in(association) as client:
        assert expected and set(listed(get(client, "/people", organisation="gemeente-almere"), "people")) == expected
        by_name = get(client, "/people", organisation=organisations["gemeente-almere"]["name"])
        assert set(listed(by_name, "people")) == expected  # named as staff know it
        assert "Nothing matches" in get(client, "/people", organisation="no-such-organisation", lang="en")


def test_organisations_by_kind_and_province(association):
    organisations = records(association, "organisations")
    with signed_in(association) as client:
        for kind in ("municipality", "political-party"):
            expected = {oid for oid, o in organisations.items() if o.get("kind") == kind}
            assert set(listed(get(client, "/organisations", kind=kind), "organisations")) == expected
        flevoland = set(listed(get(client, "/organisations", province="flevoland", kind="municipality"),
                               "organisations"))
        assert flevoland == {oid for oid, o in organisations.items()
                             if o.get("kind") == "municipality" and o.get("province") == "flevoland"}
        below = set(listed(get(client, "/organisations", organisation="gemeente-almere"), "organisations"))
        assert below == {oid for oid, o in organisations.items() if o.get("parent") == "gemeente-almere"}
        text = get(client, "/organisations", lang="en")
        assert "Municipality" in text or "municipality" in text


def test_requests_by_stage_assignee_and_kind(association):
    requests = records(association, "requests")
    with signed_in(association) as client:
        for name in ("stage", "assignee", "kind"):
            for value in sorted({r[name] for r in requests.values() if r.get(name)}):
                expected = {rid for rid, r in requests.items() if r.get(name) == value}
                assert set(listed(get(client, "/requests", **{name: value}), "requests")) == expected, (name, value)
        text = get(client, "/requests", lang="en")
    newest_first = sorted(requests, key=lambda rid: (str(requests[rid]["received"]), rid), reverse=True)
    assert listed(text, "requests") == newest_first  # the default: the newest first


def test_contact_moments_by_kind_and_organisation(association):
    interactions = records(association, "interactions")
    with signed_in(association) as client:
        for kind in sorted({i["kind"] for i in interactions.values()}):
            expected = {iid for iid, i in interactions.items() if i["kind"] == kind}
            assert set(listed(get(client, "/interactions", kind=kind), "interactions")) == expected
        text = get(client, "/interactions", lang="en")
    assert len(listed(text, "interactions")) == len(interactions)
    assert 'href="/people/p-r5epc6"' in text  # who took part, linked


def test_the_cooperatives_tags_and_pipeline(tmp_path):
    root = cooperative_copy(tmp_path)
    requests = records(root, "requests")
    with signed_in(root) as client:
        for stage in sorted({r["stage"] for r in requests.values()}):
            expected = {rid for rid, r in requests.items() if r["stage"] == stage}
            assert set(listed(get(client, "/requests", stage=stage), "requests")) == expected
        people = records(root, "people")
        tag = sorted({t for p in people.values() for t in p.get("tags") or []})[0]
        expected = {pid for pid, p in people.items() if tag in (p.get("tags") or [])}
        assert set(listed(get(client, "/people", tag=tag), "people")) == expected


def many_people(root: Path, count: int) -> None:
    for number in range(count):
        (root / "records" / "people" / f"p-zz{number:04d}.yaml").write_text(
            f"name: {{given: Test, family: Zz{number:04d}}}\n"
            "purposes: [{purpose: newsletter, since: 2024-01-01, source: self-registration}]\n"
            "consents: [{purpose: newsletter, given: 2024-01-01, channel: web-form, wording: newsletter-v2}]\n"
            "owner: communications\n", encoding="utf-8")


def test_pages_of_fifty_and_their_boundaries(association):
    many_people(association, 70)
    total = len(records(association, "people"))
    assert 100 < total <= 150
    with signed_in(association) as client:
        first = get(client, "/people", lang="en")
        second = get(client, "/people", page="2")
        third = get(client, "/people", page="3")
        beyond = get(client, "/people", page="99")
        nonsense = get(client, "/people", page="-1x")
    assert f"1–50 of {total}" in first and len(listed(first, "people")) == 50
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'href="/people?page=2"' in first
    assert f"51–100 of {total}" in second and 'rel="prev"' in second and 'rel="next"' in second
    assert f"101–{total} of {total}" in third and 'rel="next"' not in third
    assert len(listed(third, "people")) == total - 100
    assert listed(beyond, "people") == listed(third, "people")  # past the end: the last page
    assert listed(nonsense, "people") == listed(first, "people")
    pages = listed(first, "people") + listed(second, "people") + listed(third, "people")
    assert sorted(pages) == sorted(records(association, "people"))  # every one once, none twice


def test_sorting_both_ways_and_a_bogus_sort_is_ignored(association):
    people = records(association, "people")
    by_name = sorted(people, key=lambda pid: ((people[pid]["name"].get("family") or "").casefold(),
                                              (people[pid]["name"].get("given") or "").casefold(), pid))
    with signed_in(association) as client:
        ascending = listed(get(client, "/people", sort="name", order="asc"), "people")
        descending = listed(get(client, "/people", sort="name", order="desc"), "people")
        by_id = listed(get(client, "/people", sort="id", order="desc"), "people")
        bogus = listed(get(client, "/people", sort="name; DROP TABLE people", order="sideways"), "people")
        wrong_order = listed(get(client, "/people", sort="id", order="1; DROP TABLE people"), "people")
        assert len(listed(get(client, "/people"), "people")) == len(people)  # the table is still there
        text = get(client, "/people", sort="name", order="asc", tag="warmtenet")
    assert ascending == by_name and descending == list(reversed(by_name))
    assert by_id == sorted(people, reverse=True)
    assert bogus == by_name  # the default sort
    assert wrong_order == sorted(people)
    assert 'href="/people?sort=name&amp;order=desc&amp;tag=warmtenet"' in text  # the filter stays


def test_a_filter_value_with_quotes_or_sql_is_harmless(association):
    hostile = "x' OR '1'='1\" --"
    with signed_in(association) as client:
        for name in ("tag", "purpose", "owner", "organisation"):
            text = get(client, "/people", lang="en", **{name: hostile})
            assert "Nothing matches these filters." in text, name
            assert "x&#39; OR &#39;1&#39;=&#39;1&#34; --" in text  # shown back, escaped
        assert "Nothing matches" in get(client, "/requests", lang="en", stage="closed' OR 1=1 --")
        people = records(association, "people")
        assert f"of {len(people)}" in get(client, "/people", lang="en")


def test_the_lists_speak_dutch_by_default_and_english_when_asked(association):
    with signed_in(association) as client:
        dutch = get(client, "/people")
        english = get(client, "/people", lang="en")
        requests = get(client, "/requests", lang="nl")  # the English choice was kept in a cookie
    assert '<html lang="nl">' in dutch and "<h1>Mensen</h1>" in dutch and "Kies een doel" in dutch
    assert '<html lang="en">' in english and "<h1>People</h1>" in english and ">Name</a>" in english
    assert "Afgesloten" in requests and ">Ontvangen</a>" in requests  # a stage by its Dutch label


def test_a_hostile_value_in_a_record_is_escaped_and_the_page_has_no_inline_script(association):
    person = association / "records" / "people" / "p-r5epc6.yaml"
    hostile = person.read_text(encoding="utf-8").replace("family: Jansen", 'family: "<script>alert(1)</script>"')
    person.write_text(hostile, encoding="utf-8")
    with signed_in(association) as client:
        for path in ("/people", "/organisations", "/requests", "/interactions"):
            text = get(client, path)
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
            assert not re.search(r"\sstyle=|\son[a-z]+=", text), path
        text = get(client, "/people")
        interactions = get(client, "/interactions")
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)" not in interactions


# -- downloads --------------------------------------------------------------------------------

def page_for(root: Path, path: str, query: dict) -> tuple[Page, Workspace]:
    workspace = Workspace(Repository(root), lambda: TODAY, watch=False)
    request = Request({"type": "http", "method": "GET", "path": path, "headers": [],
                       "query_string": urlencode(query).encode("ascii")})
    return Page(request, workspace, "en", TODAY), workspace


def download(root: Path, kind: str, **query):
    page, workspace = page_for(root, f"/people.{kind}", query)
    try:
        return dict(list_pages.DOWNLOADS)[f"/people.{kind}"](page)
    finally:
        page.close()
        workspace.close()


def command(root: Path, kind: str, *args: str) -> bytes:
    result = CliRunner().invoke(cli, ["export", kind, *args, "--root", str(root)])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.mark.parametrize("kind, command_kind", [("csv", "csv"), ("vcf", "vcard"), ("xlsx", "xlsx")])
def test_a_download_is_what_the_command_writes(association, kind, command_kind):
    answer = download(association, kind, purpose="newsletter", lang="en")
    assert answer.status_code == 200
    assert answer.body == command(association, command_kind, "--purpose", "newsletter")
    disposition = answer.headers["content-disposition"]
    assert disposition == f'attachment; filename="people-newsletter-{TODAY.isoformat()}.{kind}"'
    assert answer.headers["content-type"].startswith({"csv": "text/csv", "vcf": "text/vcard",
                                                      "xlsx": "application/vnd.openxmlformats"}[kind])


def test_a_download_carries_only_the_fields_the_purpose_covers(association):
    categories = records(association, "purposes")["newsletter"]["data_categories"]
    assert "address" not in categories and "tags" not in categories and "contact" in categories
    answer = download(association, "csv", purpose="newsletter", tag="warmtenet")
    header = answer.body.decode("utf-8-sig").splitlines()[0].split(";")
    assert "telefoon" in header and "straat" not in header and "tags" not in header  # Dutch: the repository's
    with pytest.raises(UsageError, match="'address'"):
        download(association, "csv", purpose="newsletter", fields="id,address")
    narrowed = download(association, "csv", purpose="newsletter", fields="id,name")
    assert narrowed.body == command(association, "csv", "--purpose", "newsletter", "--fields", "id,name")


def test_the_lists_filters_narrow_a_download(association):
    people = records(association, "people")
    expected = {pid for pid, p in people.items()
                if held(p, "newsletter", TODAY) and "warmtenet" in (p.get("tags") or [])}
    answer = download(association, "csv", purpose="newsletter", tag="warmtenet")
    ids = {line.split(";")[0] for line in answer.body.decode("utf-8-sig").splitlines()[1:]}
    assert expected and ids == expected
    assert answer.headers["x-crmtool-people"] == str(len(expected))


def test_a_download_without_a_purpose_or_with_an_unknown_one_is_refused(association):
    with pytest.raises(UsageError, match="needs a purpose"):  # in the page's language; 400 in the app
        download(association, "csv")
    with pytest.raises(UsageError, match="'nope'"):
        download(association, "xlsx", purpose="nope")


def test_the_list_links_its_downloads_only_with_a_purpose(association):
    with signed_in(association) as client:
        without = get(client, "/people", lang="en", tag="warmtenet")
        with_purpose = get(client, "/people", purpose="newsletter", tag="warmtenet")
    assert "/people.csv" not in without and "Choose a purpose" in without
    for kind in ("csv", "vcf", "xlsx"):
        assert f'href="/people.{kind}?tag=warmtenet&amp;purpose=newsletter"' in with_purpose


def test_downloads_are_routed_behind_the_guard(association):
    """Through the application: the file with its name (no personal data), refusals as a page."""
    with signed_in(association) as client:
        answer = client.get("/people.csv", params={"purpose": "newsletter"})
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        assert answer.headers["content-disposition"] == \
            f'attachment; filename="people-newsletter-{TODAY.isoformat()}.csv"'
        assert answer.headers["x-frame-options"] == "DENY"
        refused = client.get("/people.xlsx")
        assert refused.status_code == 400 and "purpose" in client.get("/people.xlsx?lang=en").text
        client.cookies.clear()
        assert client.get("/people.csv", params={"purpose": "newsletter"}).status_code == 401
