"""`crmtool build`: the transparency register renders the example records in both languages,
says in plain words what the purposes say in codes, publishes counts and office holders only
as far as allowed, refuses to publish personal data, escapes what records hold and gives the
same bytes for the same records."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.register.numbers import shown
from crmtool.register.scan import NAME, Needles, scan_folder

from .conftest import PROJECT

TODAY = "2026-11-24"
STAFF = {"GIT_AUTHOR_NAME": "Zelda Quackenbush", "GIT_AUTHOR_EMAIL": "zelda@staff.example",
         "GIT_COMMITTER_NAME": "Zelda Quackenbush", "GIT_COMMITTER_EMAIL": "zelda@staff.example"}
SECRET_SUBJECT = "Shorter review after talking to Quibblewhistle"


def commit(root: Path, message: str, date: str) -> None:
    """A commit by a colleague whose name, email and subject must never reach the site."""
    env = {**STAFF, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "HOME": str(root), "PATH": "/usr/bin:/bin"}
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def make_repo(root: Path, source: Path = PROJECT) -> Path:
    """A copy of an example's records and settings as a git repository with two commits:
    the records, then a change of two fields of a purpose."""
    root.mkdir(parents=True)
    shutil.copytree(source / "records", root / "records")
    shutil.copy(source / "crmtool.yaml", root / "crmtool.yaml")
    (root / ".gitignore").write_text("build/\n")
    subprocess.run(["git", "-C", str(root), "init", "-q", "-b", "main"], check=True, capture_output=True)
    commit(root, "Example records", "2026-01-10T09:00:00+01:00")
    purpose = sorted((root / "records" / "purposes").glob("*.yaml"))[0]
    text = purpose.read_text(encoding="utf-8").replace(
        "review: {last:", "security: {nl: Versleuteld., en: Encrypted.}\nreview: {last:")
    purpose.write_text(text.replace("every: P1Y}", "every: P6M}", 1), encoding="utf-8")
    commit(root, SECRET_SUBJECT, "2026-03-05T10:00:00+01:00")
    return root


def build(root: Path, out: Path, *args: str):
    return CliRunner().invoke(cli, ["build", "--root", str(root), "--today", TODAY, "--out", str(out), *args])


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    return make_repo(tmp_path_factory.mktemp("register") / "repo")


@pytest.fixture(scope="module")
def site(example: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    result = build(example, out, "--with-directory")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def repo(example: Path, tmp_path: Path) -> Path:
    """A repository of one's own, free to change: a copy of the example, history included."""
    shutil.copytree(example, tmp_path / "repo", symlinks=True)
    return tmp_path / "repo"


def edit(root: Path, record: str, old: str, new: str) -> None:
    path = root / "records" / f"{record}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {record}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- what the pages say ----------------------------------------------------------------


def test_a_purpose_page_explains_its_legal_basis_and_retention_in_both_languages(site: Path):
    en = page(site, "en/purposes/office-holders.html")
    assert "Legitimate interests" in en and "Article 6(1)(f) GDPR" in en
    assert "weighed against your interests and rights" in en
    assert "Interest: the association represents its members" in en  # the balancing note itself
    assert "2 years after the last role ended, then deleted" in en
    assert "Article 9(2)(e) GDPR" in en and "made this information public themselves" in en
    nl = page(site, "nl/purposes/office-holders.html")
    assert "Gerechtvaardigd belang" in nl and "artikel 6, lid 1, onder f, AVG" in nl
    assert "2 jaar na het einde van de laatste rol, daarna verwijderd" in nl
    assert "Belang: de vereniging behartigt de belangen van haar leden" in nl
    consent = page(site, "en/purposes/newsletter.html")
    assert "You gave us your permission for this" in consent
    assert "1 month after consent was withdrawn, then deleted" in consent


def test_a_processor_shows_its_service_country_and_agreement_dates(site: Path):
    en = page(site, "en/purposes/events.html")
    assert "Bureau Zaalvol" in en and "Freelance organisation of regional meetings" in en
    assert '<time datetime="2026-11-16">November 16, 2026</time>' in en  # signed (and started)
    assert "no end date" in en  # renewed for an indefinite term
    assert "Kees Vos" not in en and "kees@zaalvol" not in en  # the processor's contact person is not shown
    nl = page(site, "nl/purposes/events.html")
    assert "16 november 2026" in nl and "Nederland" in nl
    hosting = page(site, "en/purposes/office-holders.html")
    assert "United States" in hosting and "no end date" in hosting


def test_sources_show_the_vocabulary_labels(site: Path):
    assert "Public register (council information, Government Gazette)" in page(site, "en/purposes/office-holders.html")
    assert "Opgave door de gemeente" in page(site, "nl/purposes/office-holders.html")


def test_the_rights_page_gives_the_deadline_and_the_authority(site: Path):
    en = page(site, "en/rights.html")
    assert "within one month of receiving your request" in en
    assert "by two more months" in en
    assert "Autoriteit Persoonsgegevens" in en and "privacy@vgn.example.nl" in en
    for article in range(15, 23):
        assert f"(Article {article})" in en
    nl = page(site, "nl/rights.html")
    assert "binnen een maand" in nl and "Autoriteit Persoonsgegevens" in nl
    assert "similarly significantly. We take no such decisions" in en  # one sentence after the other


def test_a_persons_copy_explains_the_rights_in_the_registers_words(site: Path, example_git_repo):
    """Both come from templates/shared/subject-rights.html: the same paragraph, word for word."""
    import datetime as dt
    import re

    from crmtool.load import load_model
    from crmtool.subject.export import export
    from crmtool.subject.export_render import render_html
    model = load_model(example_git_repo, dt.date.fromisoformat(TODAY))
    person = sorted(model.of("people"), key=lambda r: r.id)[0]
    copy = render_html(export(model, person.id, model.today), example_git_repo.root)
    language = re.search(r'<html lang="(\w+)">', copy).group(1)
    erasure = re.compile(r"<h3>[^<]*17\)</h3>\s*<p>(.*?)</p>", re.S)
    ours, theirs = erasure.search(copy), erasure.search(page(site, f"{language}/rights.html"))
    assert ours and theirs and ours.group(1) == theirs.group(1) and len(ours.group(1)) > 100


def test_the_home_page_names_controller_dpo_and_every_purpose(site: Path):
    home = page(site, "nl/index.html")
    assert "Vereniging Gemeentelijk Netwerk" in home and "fg@vgn.example.nl" in home
    for purpose in (PROJECT / "records" / "purposes").glob("*.yaml"):
        assert f'href="purposes/{purpose.stem}.html"' in home
    assert "Grondslag: Toestemming" in home


def test_changes_show_dates_and_fields_but_never_who_or_why(site: Path):
    for language, words in (("en", "review, security measures"), ("nl", "herbeoordeling, beveiligingsmaatregelen")):
        changes = page(site, f"{language}/changes.html")
        assert '<time datetime="2026-03-05">' in changes and '<time datetime="2026-01-10">' in changes
        assert words in changes
    everything = b"".join(files(site).values()).decode("utf-8")
    for secret in ("Zelda", "Quackenbush", "zelda@staff.example", "Quibblewhistle", "Shorter review",
                   "Example records"):
        assert secret not in everything


def test_counts_below_the_threshold_are_suppressed_and_zero_is_shown(repo: Path, tmp_path: Path):
    edit(repo, "purposes/events", "title: {nl: Bijeenkomsten en uitnodigingen, en: Events and invitations}",
         "title: {nl: Bijeenkomsten, en: Events}")
    (repo / "records" / "purposes" / "archive.yaml").write_text(
        (repo / "records" / "purposes" / "events.yaml").read_text(encoding="utf-8").replace(
            "title: {nl: Bijeenkomsten, en: Events}", "title: {nl: Archief, en: Archive}"), encoding="utf-8")
    result = build(repo, tmp_path / "site")
    assert result.exit_code == 0, result.output
    numbers = page(tmp_path / "site", "en/numbers.html")
    assert '<a href="purposes/archive.html">Archive</a></th><td class="number">0</td>' in numbers  # nobody
    assert '<a href="purposes/events.html">Events</a></th><td class="number">&lt; 5</td>' in numbers  # 2 people
    assert '<td class="number">29</td>' in numbers  # office holders: large enough to show
    assert '<th scope="row">Requests for erasure</th><td class="number">&lt; 5</td>' in numbers  # 1 request
    assert '<th scope="row">Objections</th><td class="number">0</td>' in numbers

    (repo / "crmtool.yaml").write_text((repo / "crmtool.yaml").read_text() + "register: {threshold: 30}\n")
    assert build(repo, tmp_path / "site").exit_code == 0
    assert '<td class="number">&lt; 30</td>' in page(tmp_path / "site", "en/numbers.html")


@pytest.mark.parametrize("count, limit, expected", [(0, 5, "0"), (1, 5, "< 5"), (4, 5, "< 5"), (5, 5, "5"),
                                                    (1, 1, "1"), (9, 10, "< 10")])
def test_shown_counts(count, limit, expected):
    assert shown(count, limit) == expected


# --- the directory ---------------------------------------------------------------------


def test_the_directory_lists_public_roles_with_only_the_published_fields(site: Path):
    directory = page(site, "nl/directory.html")
    assert "Lotte Brinkman" in directory and "Raadslid" in directory and "Gemeenteraad Almere" in directory
    assert "Dennis Vlaar" not in directory  # holds only roles that are not public
    headers = [h for h in ("Naam", "Functie", "Organisatie", "Partij", "Portefeuille")
               if f'<th scope="col">{h}</th>' in directory]
    assert len(headers) == 5 and '<th scope="col">Sinds</th>' not in directory  # start is not published
    assert "@" not in directory.split("<main", 1)[1].split("</main>")[0]  # no email address of anyone
    assert "+31 6" not in directory and "<time" not in directory.split("<main", 1)[1]
    assert 'href="directory.html"' in page(site, "nl/index.html")


def test_no_directory_without_the_option(repo: Path, tmp_path: Path):
    assert build(repo, tmp_path / "site").exit_code == 0
    assert not (tmp_path / "site" / "nl" / "directory.html").exists()
    everything = b"".join(files(tmp_path / "site").values()).decode("utf-8")
    assert "directory.html" not in everything and "Lotte Brinkman" not in everything
    (repo / "crmtool.yaml").write_text((repo / "crmtool.yaml").read_text() + "register: {directory: true}\n")
    assert build(repo, tmp_path / "site").exit_code == 0
    assert (tmp_path / "site" / "nl" / "directory.html").exists()


def test_a_role_that_is_not_public_or_a_purpose_without_publish_is_not_listed(repo: Path, tmp_path: Path):
    edit(repo, "roles/r-almere-raadslid-2026-c", "public: true", "public: false")
    edit(repo, "people/p-wqsstz", "{purpose: office-holders, since:",
         "{purpose: office-holders, until: 2026-11-01, since:")
    assert build(repo, tmp_path / "site", "--with-directory").exit_code == 0
    directory = page(tmp_path / "site", "en/directory.html")
    assert "Lotte Brinkman" not in directory  # role not public
    assert "Gert van Dijkhuizen" not in directory  # objected: the label ended, publication stops
    assert "Wim Oosterbeek" in directory

    edit(repo, "purposes/office-holders", "publish: [name, function, organisation, party, portfolio]",
         "publish: [function, start]")
    assert build(repo, tmp_path / "site", "--with-directory").exit_code == 0
    directory = page(tmp_path / "site", "en/directory.html")
    assert "Wim Oosterbeek" not in directory and '<th scope="col">Since</th>' in directory
    assert '<th scope="col">Name</th>' not in directory


# --- privacy and escaping --------------------------------------------------------------


@pytest.mark.parametrize("planted, person, kind", [
    ("Schrijf naar t.jansen@lelystad.example.nl voor vragen.", "p-r5epc6", "email address"),
    ("Vragen? Ria  Schaap helpt u graag.", "p-inrp3j", "name"),
])
def test_personal_data_in_a_purpose_fails_the_build_and_keeps_the_old_site(repo: Path, tmp_path: Path,
                                                                             planted, person, kind):
    out = tmp_path / "site"
    assert build(repo, out, "--with-directory").exit_code == 0
    before = files(out)
    edit(repo, "purposes/events", "  nl: >-\n    Het uitnodigen", f"  nl: >-\n    {planted} Het uitnodigen")
    result = build(repo, out, "--with-directory")
    assert result.exit_code == 1
    assert "nl/purposes/events.html:" in result.stderr and f"{kind} of {person}" in result.stderr
    assert "register.csv:" in result.stderr  # the Art. 30 record is scanned too
    assert "t.jansen" not in result.stderr and "Schaap" not in result.stderr  # the data itself is never printed
    assert files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "site"]  # no half-built folder left


def test_html_in_a_record_shows_as_text(repo: Path, tmp_path: Path):
    edit(repo, "purposes/events", "en: Events and invitations}", "en: <script>alert(1)</script> & events}")
    assert build(repo, tmp_path / "site").exit_code == 0
    purpose = page(tmp_path / "site", "en/purposes/events.html")
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; events</h1>" in purpose
    for path, content in files(tmp_path / "site").items():
        if not path.endswith(".csv"):
            assert b"<script>alert" not in content, path
    record = json.loads((tmp_path / "site" / "register.json").read_text(encoding="utf-8"))
    assert record["rows"][1]["purpose"]["en"] == "<script>alert(1)</script> & events"  # JSON keeps the data


def test_a_formula_in_a_record_does_not_run_in_a_spreadsheet(repo: Path, tmp_path: Path):
    edit(repo, "purposes/events", "title: {nl: Bijeenkomsten en uitnodigingen,", "title: {nl: '=HYPERLINK(\"x\")',")
    assert build(repo, tmp_path / "site").exit_code == 0
    rows = list(csv.reader(io.StringIO(page(tmp_path / "site", "register.csv").lstrip("\ufeff")), delimiter=";"))
    assert rows[2][3] == "'=HYPERLINK(\"x\")"


def test_scan_allows_exactly_what_it_is_told(tmp_path: Path):
    (tmp_path / "nl").mkdir()
    (tmp_path / "nl" / "directory.html").write_text("<td>Ria Schaap</td> ria@example.org\n", encoding="utf-8")
    (tmp_path / "nl" / "index.html").write_text("<p>Ria Schaap</p>\n", encoding="utf-8")
    needles = Needles.of([("p-inrp3j", {"name": {"given": "Ria", "family": "Schaap"},
                                        "emails": [{"address": "ria@example.org"}]})])
    hits = scan_folder(tmp_path, needles, {("nl/directory.html", "p-inrp3j", NAME)})
    assert [h.message() for h in hits] == ["nl/directory.html:1:21: email address of p-inrp3j",
                                          "nl/index.html:1:4: name of p-inrp3j"]


# --- the files -------------------------------------------------------------------------


def test_building_twice_gives_the_same_bytes(site: Path, example: Path, tmp_path: Path):
    again = tmp_path / "again"
    assert build(example, again, "--with-directory").exit_code == 0
    assert files(again) == files(site)
    assert build(example, again, "--with-directory").exit_code == 0  # over an earlier build
    assert files(again) == files(site)


def test_one_language_builds_only_that_language(example: Path, tmp_path: Path):
    result = build(example, tmp_path / "site", "--lang", "en")
    assert result.exit_code == 0, result.output
    built = files(tmp_path / "site")
    assert not any(path.startswith("nl/") for path in built) and "en/index.html" in built
    assert 'id="language-switch"' not in page(tmp_path / "site", "en/index.html")
    assert 'href="nl/' not in page(tmp_path / "site", "index.html")
    assert not broken_links(tmp_path / "site")
    # the record stays in the repository's language
    assert page(tmp_path / "site", "register.csv").startswith("\ufeffId;")


def test_the_art30_record_has_a_row_per_purpose_and_says_what_is_not_filled_in(site: Path):
    rows = list(csv.reader(io.StringIO(page(site, "register.csv").lstrip("\ufeff")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert [row[0] for row in body] == sorted(p.stem for p in (PROJECT / "records" / "purposes").glob("*.yaml"))
    assert "Bewaartermijnen" in header and "Grondslag" in header and "Verwerkers" in header
    security = header.index("Technische en organisatorische beveiligingsmaatregelen")
    assert dict((row[0], row[security]) for row in body)["newsletter"] == "niet ingevuld"
    assert "Vereniging Gemeentelijk Netwerk" in body[0][1] and "fg@vgn.example.nl" in body[0][2]
    record = json.loads(page(site, "register.json"))
    assert len(record["rows"]) == len(body)
    newsletter = next(row for row in record["rows"] if row["purpose_id"] == "newsletter")
    assert newsletter["security"] == {"nl": "niet ingevuld", "en": "not filled in"}
    assert newsletter["special_categories"] == {"nl": "geen", "en": "none"}
    assert newsletter["retention"]["en"] == "1 month after consent was withdrawn, then deleted"


def test_an_emptied_mandatory_field_says_not_filled_in(repo: Path, tmp_path: Path):
    edit(repo, "purposes/events", "recipients:\n- {nl: Team Communicatie van de VGN, en: VGN communications team}\n"
         "- nl: Het evenementenbureau dat de bijeenkomst organiseert\n  en: The event agency organising the event\n",
         "recipients: []\n")
    assert build(repo, tmp_path / "site").exit_code == 0
    record = json.loads(page(tmp_path / "site", "register.json"))
    events = next(row for row in record["rows"] if row["purpose_id"] == "events")
    assert events["recipients"] == {"nl": "niet ingevuld", "en": "not filled in"}
    assert "Not filled in." in page(tmp_path / "site", "en/purposes/events.html")


class Links(HTMLParser):
    """Links, ids, headings and landmarks of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.headings: list[int] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        for name in ("href", "src"):
            if attributes.get(name) is not None:
                self.links.append(attributes[name])
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))


def parsed(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(site: Path) -> list[str]:
    broken = []
    for path in sorted(site.rglob("*.html")):
        parser = parsed(path)
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto", "tel"):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.is_file():
                broken.append(f"{path.relative_to(site)} -> {link}")
            elif parts.fragment and parts.fragment not in parsed(target).ids:
                broken.append(f"{path.relative_to(site)} -> {link} (no such id)")
    return broken


def test_every_internal_link_points_to_an_existing_file(site: Path):
    assert broken_links(site) == []


def test_every_page_is_reachable_from_the_dutch_home_page(site: Path):
    site = site.resolve()
    seen, todo = set(), [site / "nl" / "index.html"]
    while todo:
        path = todo.pop()
        if path in seen or path.suffix != ".html":
            continue
        seen.add(path)
        for link in parsed(path).links:
            parts = urlsplit(link)
            if not parts.scheme and parts.path:
                todo.append((path.parent / parts.path).resolve())
    assert {p.relative_to(site).as_posix() for p in seen} == {
        p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def test_pages_have_the_structure_assistive_technology_needs(site: Path):
    for path in sorted(site.rglob("*.html")):
        parser = parsed(path)
        tags = [tag for tag, _attrs in parser.tags]
        html = dict(parser.tags)["html"]
        assert html.get("lang") in ("nl", "en"), path
        assert parser.tags[tags.index("a")][1].get("href") == "#main", path  # the skip link comes first
        assert all(landmark in tags for landmark in ("header", "nav", "main", "footer")), path
        assert parser.headings.count(1) == 1 and parser.headings[0] == 1, path
        assert all(b - a <= 1 for a, b in zip(parser.headings, parser.headings[1:])), (path, parser.headings)
        assert tags.count("table") == tags.count("caption"), path
        assert all(attrs.get("scope") in ("col", "row") for tag, attrs in parser.tags if tag == "th"), path
    switch = page(site, "nl/purposes/events.html")
    assert '<a id="language-switch" href="../../en/purposes/events.html" hreflang="en" lang="en">English</a>' in switch


def test_the_stylesheet_prints_without_navigation(site: Path):
    css = page(site, "static/register.css")
    assert "@media print" in css and ".site-nav" in css.split("@media print", 1)[1]
    assert ":focus-visible" in css


# --- other repositories and the command line --------------------------------------------


def test_the_cooperative_example_builds(tmp_path: Path):
    root = make_repo(tmp_path / "coop", PROJECT / "examples" / "cooperative")
    result = build(root, tmp_path / "site", "--with-directory")
    assert result.exit_code == 0, result.output
    assert "Gegevensbeschermingsautoriteit" in page(tmp_path / "site", "nl/rights.html")
    assert "Gedeeld adresboek" in page(tmp_path / "site", "nl/index.html")
    assert "No office holders can be shown." in page(tmp_path / "site", "en/directory.html")  # no purpose publishes
    assert broken_links(tmp_path / "site") == []


def test_a_purpose_that_does_not_load_stops_the_build(repo: Path, tmp_path: Path):
    (repo / "records" / "purposes" / "events.yaml").write_text("title: [not closed\n", encoding="utf-8")
    result = build(repo, tmp_path / "site")
    assert result.exit_code == 1 and "records/purposes/events.yaml" in result.output
    assert not (tmp_path / "site").exists()


def test_a_folder_that_is_not_a_site_is_refused(repo: Path, tmp_path: Path):
    result = build(repo, repo / "records")
    assert result.exit_code == 2 and "niet heeft geschreven" in result.output
    assert (repo / "records" / "people").is_dir()


def test_without_git_history_the_register_still_builds(tmp_path: Path):
    root = tmp_path / "plain"
    shutil.copytree(PROJECT / "examples" / "cooperative" / "records", root / "records")
    shutil.copy(PROJECT / "examples" / "cooperative" / "crmtool.yaml", root / "crmtool.yaml")
    result = build(root, tmp_path / "site", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "The version history was not available" in page(tmp_path / "site", "en/changes.html")


def test_the_command_speaks_the_repository_language(repo: Path, tmp_path: Path):
    result = build(repo, tmp_path / "site", "--lang", "nl")
    assert result.exit_code == 0
    # meeting-records is the sixth purpose
    assert result.output.startswith(f"Register geschreven naar {tmp_path / 'site'}: 11 pagina's in nl.")
    assert (tmp_path / "site" / "nl" / "rights.html").is_file()


def test_the_command_runs_as_a_program(repo: Path, tmp_path: Path):
    edit(repo, "purposes/events", "  en: >-\n    Inviting", "  en: >-\n    Ask Ria Schaap. Inviting")
    done = subprocess.run([sys.executable, "-m", "crmtool", "build", "--root", str(repo),
                           "--out", str(tmp_path / "site")],
                          capture_output=True, text=True, env={**os.environ, "CRMTOOL_TODAY": TODAY})
    assert done.returncode == 1
    assert "en/purposes/events.html:" in done.stderr and "name of p-inrp3j" in done.stderr
    assert "Het register is niet geschreven" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "site").exists()


# --- Art. 13/14 in the register: transfers, DPIA, requirement, profiling, sources, last change -----


def _art30(site: Path) -> dict[str, dict[str, str]]:
    """The Dutch CSV as {purpose id: {column header: cell}}."""
    rows = list(csv.reader(io.StringIO(page(site, "register.csv").lstrip("\ufeff")), delimiter=";"))
    return {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}


def test_the_art30_record_gives_third_countries_dpia_sources_and_last_change(site: Path):
    rows = _art30(site)
    holders = rows["office-holders"]
    assert holders["Derde landen per verwerker en de waarborgen daarvoor"].startswith(
        "GitHub, Inc.: Verenigde Staten (adequaatheidsbesluit van de Europese Commissie (art. 45), EU-US Data Privacy")
    assert holders["Gegevensbeschermingseffectbeoordeling (DPIA)"] == "ja, 2025-03-10"
    assert rows["events"]["Gegevensbeschermingseffectbeoordeling (DPIA)"] == "nee"
    assert holders["Logica van het profileren"] == "geen profilering"
    assert holders["Bronnen van de persoonsgegevens"].startswith("Openbare bron (raadsinformatie, Staatscourant); ")
    assert holders["Wettelijk of contractueel verplicht, en wat er gebeurt als de gegevens niet gegeven worden"] \
        .startswith("De meeste gegevens komen uit openbare bronnen.")
    # make_repo changed the first purpose in a second commit; the rest is as first committed
    assert rows["data-subject-rights"]["Laatst gewijzigd"] == "2026-03-05"
    assert rows["events"]["Laatst gewijzigd"] == "2026-01-10"
    record = json.loads(page(site, "register.json"))
    holders_json = next(row for row in record["rows"] if row["purpose_id"] == "office-holders")
    assert holders_json["dpia"] == {"nl": "ja, 2025-03-10", "en": "yes, 2025-03-10"}
    assert holders_json["third_countries"]["en"].startswith("GitHub, Inc.: United States (adequacy decision")


def test_the_dpia_reference_is_internal_and_never_published(site: Path):
    assert "DPIA-2025-02" in (PROJECT / "records/purposes/office-holders.yaml").read_text(encoding="utf-8")
    assert [path for path, data in files(site).items() if b"DPIA-2025-02" in data] == []


def test_a_purpose_page_shows_third_countries_safeguards_and_the_dpia(site: Path):
    holders = page(site, "en/purposes/office-holders.html")
    assert "Third countries and safeguards" in holders and "United States" in holders
    assert "adequacy decision of the European Commission (Art. 45)" in holders
    assert 'Yes, carried out on <time datetime="2025-03-10">' in holders
    assert "Must you give us this data?" in holders and "Most of this data comes from public sources." in holders
    assert "How the profiling works" not in holders  # no profiling, no logic to explain
    events = page(site, "nl/purposes/events.html")
    assert "Niet nodig: deze verwerking brengt waarschijnlijk geen hoog risico mee." in events


def test_a_missing_safeguard_dpia_or_logic_shows_as_such(repo: Path, tmp_path: Path):
    """What the check reports as errors (P032, P034) still builds, and says what is missing."""
    edit(repo, "processors/hosting", "country: US\ntransfer: {mechanism: adequacy,",
         "country: IN\n# {mechanism: adequacy,")
    edit(repo, "purposes/events", "profiling: false", "profiling: true")
    commit(repo, "Profiling and a helpdesk in India", "2026-04-01T10:00:00+02:00")
    assert build(repo, tmp_path / "site").exit_code == 0
    rows = _art30(tmp_path / "site")
    events = rows["events"]
    assert events["Derde landen per verwerker en de waarborgen daarvoor"] == "GitHub, Inc.: India (niet ingevuld)"
    assert events["Gegevensbeschermingseffectbeoordeling (DPIA)"] == "nee, terwijl die verplicht is"
    assert events["Logica van het profileren"] == "niet ingevuld"
    assert events["Laatst gewijzigd"] == "2026-04-01"
    assert rows["office-holders"]["Laatst gewijzigd"] == "2026-04-01"  # through its processor
    english = page(tmp_path / "site", "en/purposes/events.html")
    assert "Not yet carried out." in english and "How the profiling works, and what it means for you" in english


def test_a_sub_processor_abroad_and_no_history_in_the_cooperative(tmp_path: Path):
    root = tmp_path / "plain"
    shutil.copytree(PROJECT / "examples" / "cooperative" / "records", root / "records")
    shutil.copy(PROJECT / "examples" / "cooperative" / "crmtool.yaml", root / "crmtool.yaml")
    assert build(root, tmp_path / "site").exit_code == 0
    record = json.loads(page(tmp_path / "site", "register.json"))
    newsletter = next(row for row in record["rows"] if row["purpose_id"] == "newsletter")
    assert newsletter["third_countries"]["en"] == (
        "Briefduif nv, sub-processor Spamfilter voor inkomende antwoorden en afmeldingen: Switzerland "
        "(adequacy decision of the European Commission (Art. 45), Adequaatheidsbesluit Zwitserland (2000/518/EG), "
        "bevestigd 2024-01-15)")
    contacts = next(row for row in record["rows"] if row["purpose_id"] == "contacts")
    assert contacts["third_countries"] == {"nl": "geen", "en": "none"}
    assert contacts["last_changed"] == {"nl": "onbekend", "en": "not known"}


def test_criminal_data_shows_its_article10_basis_on_the_page_and_in_the_art30_record(repo: Path, tmp_path: Path):
    edit(repo, "purposes/office-holders", "special_categories: [political-opinion]",
         "special_categories: [political-opinion, criminal]\n"
         "article10_basis: {ground: law, reference: \"UAVG art. 33(2)(a)\"}")
    result = build(repo, tmp_path / "site")
    assert result.exit_code == 0, result.output
    holders = page(tmp_path / "site", "en/purposes/office-holders.html")
    assert ("only on the basis of Article 10 GDPR: authorised by a law that provides safeguards "
            "(UAVG art. 33(2)(a))") in holders
    special = _art30(tmp_path / "site")["office-holders"]["Bijzondere persoonsgegevens en uitzondering"]
    assert special.endswith("; artikel 10 AVG: toegestaan bij een wet die waarborgen biedt (UAVG art. 33(2)(a))")
