"""P016, P020, P021, P022: the subtle parts (calendar months, name normalisation, git history).

The rule fixtures cover each branch once; these tests pin the edges: month ends, accents and
prefixes in ids, and which commits P021 reads (with a real git repository and a bare remote).
"""
from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from crmtool.check.run import run_check
from crmtool.load.repo import Repository
from crmtool.rules import p020_identifying_id as p020
from crmtool.rules import p021_identifying_commit as p021

TODAY = dt.date(2026, 11, 24)

PERSON = """\
name: {given: Bea, family: Bakker}
emails:
  - {address: bea.b@example.org, kind: work}
purposes:
  - {purpose: office-holders, since: 2026-03-02, source: public-register, notified: 2026-03-20}
owner: public-affairs
"""


def _write(repo: Repository, path: str, text: str) -> None:
    target = repo.root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _findings(repo: Repository, rule: str, today: dt.date = TODAY) -> list:
    return [f for f in run_check(repo, today).findings if f.rule == rule]


def _person(label: str, name: str = "{given: Bea, family: Bakker}", extra: str = "") -> str:
    return f"name: {name}\n{extra}purposes:\n  - {label}\nowner: public-affairs\n"


# ---------------------------------------------------------------- P016: one calendar month


@pytest.mark.parametrize("today, found", [
    (dt.date(2026, 2, 28), False),  # 31 January + 1 month = 28 February: still in time
    (dt.date(2026, 3, 1), True),
])
def test_p016_month_ends_on_the_last_day_of_a_short_month(base_repo, today, found):
    _write(base_repo, "records/people/p-bbbbbb.yaml",
           _person("{purpose: office-holders, since: 2026-01-31, source: public-register}"))
    assert bool(_findings(base_repo, "P016", today)) is found


@pytest.mark.parametrize("notified, found", [("2026-02-28", False), ("2026-03-01", True), ("2026-01-20", False)])
def test_p016_notified_date_against_the_deadline(base_repo, notified, found):
    _write(base_repo, "records/people/p-bbbbbb.yaml", _person(
        f"{{purpose: office-holders, since: 2026-01-31, source: public-register, notified: {notified}}}"))
    findings = _findings(base_repo, "P016")
    assert bool(findings) is found
    if found:
        assert "2026-02-28" in findings[0].message  # the deadline is named


def test_p016_silent_when_the_vocabulary_does_not_say_whether_a_source_is_the_person(base_repo):
    _write(base_repo, "records/vocabularies/sources.yaml", (
        "title: {nl: Bronnen, en: Sources}\nvalues:\n"
        "  - {id: public-register, label: {nl: Openbare bron, en: Public register}}\n"))
    _write(base_repo, "records/people/p-bbbbbb.yaml",
           _person("{purpose: office-holders, since: 2026-01-05, source: public-register}"))
    assert _findings(base_repo, "P016") == []
    (base_repo.root / "records/vocabularies/sources.yaml").unlink()
    assert _findings(base_repo, "P016") == []


def test_p016_silent_without_source(base_repo):
    _write(base_repo, "records/people/p-bbbbbb.yaml", _person("{purpose: office-holders, since: 2026-01-05}"))
    assert _findings(base_repo, "P016") == []
    assert len(_findings(base_repo, "P022")) == 1


# ---------------------------------------------------------------- P022: the purpose's sources


def test_p022_leaves_unknown_purposes_and_unknown_sources_to_other_rules(base_repo):
    _write(base_repo, "records/people/p-bbbbbb.yaml", (
        "name: {given: Bea, family: Bakker}\npurposes:\n"
        "  - {purpose: no-such-purpose, since: 2026-03-02}\n"
        "  - {purpose: office-holders, since: 2026-03-02, source: public-regster}\n"
        "owner: public-affairs\n"))
    result = run_check(base_repo, TODAY)
    assert [f for f in result.findings if f.rule == "P022"] == []
    assert {f.rule for f in result.findings} >= {"P002", "S005"}


def test_p022_skips_a_purpose_without_sources(base_repo):
    path = base_repo.root / "records/purposes/office-holders.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("sources: [public-register]\n", ""), encoding="utf-8")
    _write(base_repo, "records/people/p-bbbbbb.yaml", _person("{purpose: office-holders, since: 2026-03-02}"))
    assert _findings(base_repo, "P022") == []


def test_p022_without_a_sources_vocabulary_still_compares_with_the_purpose(base_repo):
    (base_repo.root / "records/vocabularies/sources.yaml").unlink()
    _write(base_repo, "records/people/p-bbbbbb.yaml",
           _person("{purpose: office-holders, since: 2026-03-02, source: linkedin}"))
    findings = _findings(base_repo, "P022")
    assert len(findings) == 1 and "public-register" in findings[0].message


# ---------------------------------------------------------------- P020: names in ids


@pytest.mark.parametrize("record_id, name, found", [
    ("jan-jansen", {"given": "Jan", "family": "Jansen"}, True),
    ("p-jansen2", {"given": "Jan", "family": "Jansen"}, True),
    ("p-jjansen", {"given": "Jan", "family": "Jansen"}, True),
    ("janjansen", {"given": "Jan", "family": "Jansen"}, True),
    ("p-7k2m9q", {"given": "Jan", "family": "Jansen"}, False),
    ("p-van-der-berg", {"given": "Anna", "prefix": "van der", "family": "Berg"}, True),
    ("p-vanderberg", {"given": "Anna", "prefix": "van der", "family": "Berg"}, True),
    ("p-berg", {"given": "Anna", "prefix": "van der", "family": "Berg"}, True),
    ("p-berg", {"given": "Anna", "family": "van der Berg"}, True),  # prefix typed in the family name
    ("p-van-xk29", {"given": "Anna", "prefix": "van der", "family": "Berg"}, False),  # a prefix alone
    ("p-muller", {"given": "José", "family": "Müller"}, True),
    ("p-jose-x1", {"given": "José", "family": "Müller"}, True),
    ("p-dhondt", {"given": "Els", "family": "d'Hondt"}, True),
    ("p-jansen", {"given": "Lies", "family": "Smit-Jansen"}, True),
    ("p-henkjan", {"given": "Henk-Jan", "family": "Wolters"}, True),
    ("p-jo-ek", {"given": "Jo", "family": "Ek"}, False),  # pieces under three letters never match
    ("p-ann3x7", {"given": "Ann", "family": "Wuyts"}, False),  # a short name inside random letters
    ("p-bram", {"given": "Abraham", "family": "Wouters"}, False),
    ("p-over-k2", {"given": "Jan", "family": "Over"}, True),  # a family name that is also a prefix word
])
def test_p020_id_contains_name(record_id, name, found):
    assert any(p020.id_contains(record_id, piece) for piece in p020.name_pieces(name)) is found


def test_p020_normalise():
    assert p020.normalise("Van 't Hoff-Müller") == "vanthoffmuller"
    assert p020.normalise("Aydın Øster-Łukasz") == "aydinosterlukasz"
    assert p020.email_pieces([{"address": "J.Jansen@Example.org"}, {"address": "jo@x.org"}, "x"]) == {
        "jjansen": "J.Jansen"}


def test_p020_names_and_emails_in_the_check(base_repo):
    _write(base_repo, "records/people/bea-bakker.yaml", PERSON)
    _write(base_repo, "records/people/p-beab01.yaml", PERSON)  # the local part, digits ignored: "beab"
    findings = _findings(base_repo, "P020")
    assert [(f.path, f.line, f.column) for f in findings] == [
        ("records/people/bea-bakker.yaml", 1, 1), ("records/people/p-beab01.yaml", 1, 1)]
    assert "name" in findings[0].message and "email" in findings[1].message


def test_p020_readable_ids_chosen_still_warn_on_email(base_repo):
    config = base_repo.root / "crmtool.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("id_style: opaque", "id_style: name"),
                      encoding="utf-8")
    _write(base_repo, "records/people/bea-bakker.yaml", PERSON)  # bea.b: only the name, initials
    _write(base_repo, "records/people/bakker-the-baker.yaml", PERSON.replace("bea.b@", "thebaker@"))
    findings = _findings(base_repo, "P020")
    assert [f.path for f in findings] == ["records/people/bakker-the-baker.yaml"]
    assert "email" in findings[0].message


@pytest.mark.parametrize("local, only", [
    ("jan.jansen", True), ("j.jansen", True), ("jjansen", True), ("jansen.jan", True),
    ("jansen82", False), ("superjan", False), ("info", False),
])
def test_p020_email_local_part_that_is_only_the_name(local, only):
    assert p020._only_name(local, {"given": "Jan", "family": "Jansen"}) is only


# ---------------------------------------------------------------- P021: names in messages


@pytest.mark.parametrize("message, found", [
    ("Add Jan Jansen", True),
    ("add jan jansen as alderman", True),
    ("Jan-Jansen moved", True),
    ("Add Jan Peter Jansen", True),
    ("Add Peter Jansen", True),
    ("Add Jansen", False),  # a family name alone is too common a word
    ("Add Jan", False),
    ("Add Jan Janssen", False),
    ("Add Jan Jansens", False),
    ("Ajan Jansen", False),
])
def test_p021_name_pattern(message, found):
    _key, pattern = p021.name_pattern({"given": "Jan Peter", "family": "Jansen"})
    assert bool(pattern.search(p021._plain(message))) is found


@pytest.mark.parametrize("message, found", [
    ("Anna van der Berg joined", True),
    ("anna van-der-berg", True),
    ("Anna Berg joined", True),
    ("José Müller", False),
    ("Van der Berg, Anna", False),
])
def test_p021_name_pattern_with_prefix(message, found):
    _key, pattern = p021.name_pattern({"given": "Anna", "prefix": "van der", "family": "Berg"})
    assert bool(pattern.search(p021._plain(message))) is found


def test_p021_accents_and_apostrophes_are_ignored():
    _key, pattern = p021.name_pattern({"given": "José", "family": "d'Hondt"})
    assert pattern.search(p021._plain("Add JOSE DHONDT"))
    assert pattern.search(p021._plain("Add José d’Hondt"))


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
                           "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", *args],
                          cwd=cwd, check=True, capture_output=True, text=True).stdout


def _commit(repo: Repository, message: str) -> str:
    _git(repo.root, "commit", "-q", "--allow-empty", "-m", message)
    return _git(repo.root, "rev-parse", "HEAD").strip()


@pytest.fixture
def git_repo(base_repo: Repository, tmp_path: Path) -> Repository:
    """The base repository with one more person, committed and pushed to a bare remote."""
    _write(base_repo, "records/people/p-bbbbbb.yaml", PERSON)
    remote = tmp_path / "remote.git"
    _git(tmp_path, "init", "-q", "--bare", str(remote))
    _git(base_repo.root, "init", "-q", "-b", "main")
    _git(base_repo.root, "add", "-A")
    _git(base_repo.root, "commit", "-q", "-m", "Base")
    _git(base_repo.root, "remote", "add", "origin", str(remote))
    _git(base_repo.root, "push", "-q", "origin", "main")
    return base_repo


def test_p021_reports_the_commit_not_the_name(git_repo):
    harmless = _commit(git_repo, "Add committee member p-bbbbbb")
    named = _commit(git_repo, "Add Bea Bakker to the committee")
    mailed = _commit(git_repo, "Fix the address of bea.b@example.org")
    findings = _findings(git_repo, "P021")
    assert [(f.path, f.line, f.column, f.severity) for f in findings] == [
        ("records/people/p-bbbbbb.yaml", 1, 1, "warning")]
    message = findings[0].message
    assert named[:8] in message and mailed[:8] in message and harmless[:8] not in message
    assert "Bea" not in message and "Bakker" not in message and "bea.b" not in message
    assert "name and email address" in message


def test_p021_other_people(git_repo):
    _commit(git_repo, "Wethouder Jan Jansen added")  # p-aaaaaa in the base repository
    assert [f.path for f in _findings(git_repo, "P021")] == ["records/people/p-aaaaaa.yaml"]


def test_p021_harmless_branch(git_repo):
    _commit(git_repo, "Add committee member p-bbbbbb")
    _commit(git_repo, "Bakker Street office moved; write to info@example.org")
    _commit(git_repo, "Fix role\n\nSigned-off-by: Bea Bakker <bea.b@example.org>\n")
    assert _findings(git_repo, "P021") == []


def test_p021_pushed_commits_are_history(git_repo):
    _commit(git_repo, "Add Bea Bakker")
    _git(git_repo.root, "push", "-q", "origin", "main")
    assert _findings(git_repo, "P021") == []
    _commit(git_repo, "Harmless")
    assert _findings(git_repo, "P021") == []


def test_p021_without_remote_or_git_is_silent(base_repo):
    _write(base_repo, "records/people/p-bbbbbb.yaml", PERSON)
    assert _findings(base_repo, "P021") == []  # not a git repository
    _git(base_repo.root, "init", "-q", "-b", "main")
    assert p021.commits_to_check(base_repo.root) == []  # no commit yet
    _git(base_repo.root, "add", "-A")
    _git(base_repo.root, "commit", "-q", "-m", "Add Bea Bakker")
    assert _findings(base_repo, "P021") == []  # no remote: the branch cannot be told from history
    assert [m for _sha, m in p021.commits_to_check(base_repo.root, base="HEAD")] == []
    assert p021.commits_to_check(base_repo.root, base="no-such-revision") == []
    assert p021.commits_to_check(base_repo.root, base="--all") == []


def test_p021_base_revision(git_repo):
    start = _git(git_repo.root, "rev-parse", "HEAD").strip()
    first = _commit(git_repo, "First")
    _commit(git_repo, "Second\n\nwith a body")
    commits = p021.commits_to_check(git_repo.root, base=first)
    assert [m.strip() for _sha, m in commits] == ["Second\n\nwith a body"]
    assert len(p021.commits_to_check(git_repo.root, base=start)) == 2
    assert [m.strip() for _sha, m in p021.commits_to_check(git_repo.root)] == ["Second\n\nwith a body", "First"]


def test_p021_records_in_a_sub_folder_of_the_git_repository(tmp_path, base_repo):
    """`--root examples/cooperative`: the git repository is found in a parent folder."""
    outer = base_repo.root
    _git(outer, "init", "-q", "-b", "main")
    _git(outer, "add", "-A")
    _git(outer, "commit", "-q", "-m", "Base")
    remote = tmp_path / "remote.git"
    _git(tmp_path, "init", "-q", "--bare", str(remote))
    _git(outer, "remote", "add", "origin", str(remote))
    _git(outer, "push", "-q", "origin", "main")
    _commit(base_repo, "Add Jan Jansen")
    inner = outer / "examples" / "records-copy"
    inner.mkdir(parents=True)
    assert len(p021.commits_to_check(inner)) == 1


def test_p021_reads_at_most_the_cap(git_repo, monkeypatch):
    monkeypatch.setattr(p021, "MAX_COMMITS", 2)
    for n in range(3):
        _commit(git_repo, f"Commit {n}")
    assert [m.strip() for _sha, m in p021.commits_to_check(git_repo.root)] == ["Commit 2", "Commit 1"]


# ------------------------------------------------- P020: names in every record's id (issue 15)


@pytest.mark.parametrize("record_id, name, found", [
    ("i-2026-12-04-bellen-met-jan-jansen", {"given": "Jan", "family": "Jansen"}, True),
    ("q-2026-jansen-jan", {"given": "Jan", "family": "Jansen"}, True),
    ("r-almere-janjansen2-2022", {"given": "Jan", "family": "Jansen"}, True),
    ("i-anna-van-der-berg", {"given": "Anna", "prefix": "van der", "family": "Berg"}, True),
    ("i-vanderberg-anna", {"given": "Anna", "prefix": "van der", "family": "Berg"}, True),
    ("i-anna-berg", {"given": "Anna", "prefix": "van der", "family": "Berg"}, True),
    ("i-jan-jansen", {"given": "Jan Pieter", "family": "Jansen"}, True),  # the first given name
    ("gemeente-almere", {"given": "Kees", "family": "Almere"}, False),  # a place, not a person
    ("r-almere-wethouder-2022", {"given": "Kees", "family": "Almere"}, False),
    ("i-2026-12-04-jansen", {"given": "Jan", "family": "Jansen"}, False),  # one word is not a name
    ("gemeentealmere", {"given": "Ente", "family": "Almere"}, False),  # never inside a part
    ("i-jo-ek", {"given": "Jo", "family": "Ek"}, False),  # too short to be told from chance
])
def test_p020_full_names_in_any_id(record_id, name, found):
    assert bool(p020.full_names(name) & set(p020.spelled(record_id))) is found


def test_p020_email_addresses_in_any_id():
    forms = p020.full_addresses([{"address": "Sara.Mailde@Example.org"}, {"address": "info@x.org"}])
    assert forms == {"saramaildeexampleorg", "saramailde", "infoxorg"}
    assert forms & set(p020.spelled("i-2026-12-04-sara-mailde"))
    assert forms & set(p020.spelled("lists-sara-mailde-example-org"))
    assert not forms & set(p020.spelled("i-2026-10-22-info-avond"))  # "info" alone means no one


def test_p020_every_folder_is_searched_and_names_are_never_echoed(base_repo):
    """Issue 15: only people's ids were looked at; a contact moment named after the summary
    ("i-2026-12-04-sara-mailde-...") passed. Now any record's id is an error."""
    _write(base_repo, "records/people/p-bbbbbb.yaml", PERSON)  # Bea Bakker, bea.b@example.org
    _write(base_repo, "records/interactions/2026/i-2026-10-01-bea-bakker.yaml",
           "date: 2026-10-01\nkind: call\npeople: [p-bbbbbb]\nsummary: {en: x}\npurpose: office-holders\n")
    _write(base_repo, "records/organisations/bakker-bea.yaml", "name: Bakkerij\nkind: municipality\n")
    _write(base_repo, "records/lists/bea-b-example-org.yaml", "title: {en: x}\npurpose: office-holders\n")
    _write(base_repo, "records/requests/q-2026-0001.yaml", "kind: question\n")
    findings = _findings(base_repo, "P020")
    assert sorted(f.path for f in findings) == [
        "records/interactions/2026/i-2026-10-01-bea-bakker.yaml", "records/lists/bea-b-example-org.yaml",
        "records/organisations/bakker-bea.yaml"]
    assert all(f.severity == "error" and "p-bbbbbb" in f.message for f in findings)
    assert all("Bea" not in f.message + f.hint and "Bakker" not in f.message + f.hint for f in findings)


def test_p020_a_colleagues_id_may_be_their_own_name_even_when_they_are_a_contact_too(base_repo):
    """Staff ids are colleagues' handles by design (records/staff/anna.yaml); a colleague who
    is also in records/people/ under the same name and address is still the same person."""
    _write(base_repo, "records/staff/bea-bakker.yaml", "name: Bea Bakker\nemail: bea.bakker@example.org\n"
                                                      "teams: [public-affairs]\n")
    _write(base_repo, "records/staff/bea-bakker-example-org.yaml", "name: Bea Bakker\nemail: bea.bakker@example.org\n"
                                                                   "teams: [public-affairs]\n")
    _write(base_repo, "records/people/p-bbbbbb.yaml", PERSON.replace("bea.b@", "bea.bakker@"))
    assert _findings(base_repo, "P020") == []
    _write(base_repo, "records/staff/jan-jansen.yaml", "name: Bea Bakker\nteams: [public-affairs]\n")  # not her name
    assert [f.path for f in _findings(base_repo, "P020")] == ["records/staff/jan-jansen.yaml"]
