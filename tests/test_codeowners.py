"""`crmtool codeowners` and W005: a pull request that changes a team's records asks that team."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.domain.codeowners import BEGIN, END, Assignment, split

from .conftest import PROJECT, git

TODAY = "2026-11-24"


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--root", str(root)], catch_exceptions=False)


def check(root: Path, *args: str) -> list[dict]:
    result = CliRunner().invoke(cli, ["check", "--root", str(root), "--today", TODAY, "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return [f for f in json.loads(result.output)["findings"] if f["rule"] == "W005"]


def owners_file(root: Path) -> str:
    return (root / ".github" / "CODEOWNERS").read_text(encoding="utf-8")


def set_owner(path: Path, team: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^owner: .*$", f"owner: {team}", text), encoding="utf-8")


def records_by_owner(root: Path) -> dict[str, str]:
    owners = {}
    for path in sorted((root / "records").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("owner"), str):
            owners[path.relative_to(root).as_posix()] = data["owner"]
    return owners


def test_every_owned_record_gets_its_team_as_reviewer(example_git_repo):
    root = example_git_repo.root
    result = run(root, "codeowners")
    assert result.exit_code == 0, result.output
    _before, block, _after = split(owners_file(root))
    assigned = Assignment.parse(block)
    teams = {v["id"]: v["github"] for v in yaml.safe_load(
        (root / "records/vocabularies/teams.yaml").read_text(encoding="utf-8"))["values"]}
    owned = records_by_owner(root)
    assert len(owned) >= 50
    for path, team in owned.items():
        assert assigned.owners(path) == (teams[team],), path
    # a folder line for the majority, a line of its own for every other record
    people = [p for p in owned if p.startswith("records/people/")]
    majority = max(set(owned[p] for p in people), key=lambda t: sum(owned[p] == t for p in people))
    assert f"/records/people/ {teams[majority]}" in block
    assert sum(1 for line in block if line.startswith("/records/people/p-")) == sum(
        owned[p] != majority for p in people)
    assert check(root) == []


def test_the_file_names_no_person(example_git_repo):
    root = example_git_repo.root
    run(root, "codeowners")
    text = owners_file(root).lower()
    for path in (root / "records/people").glob("*.yaml"):
        person = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert person["name"]["family"].lower() not in text
        for email in person.get("emails") or []:
            assert email["address"].lower() not in text


def test_a_changed_owner_is_found_by_check_and_by_codeowners_check(example_git_repo):
    root = example_git_repo.root
    run(root, "codeowners")
    assert check(root) == []  # also fills the check cache
    person = next(p for p, t in records_by_owner(root).items()
                  if p.startswith("records/people/") and t == "public-affairs")
    set_owner(root / person, "privacy")
    findings = check(root)
    assert [(f["path"], f["severity"]) for f in findings] == [(person, "warning")]
    line = next(i for i, text in enumerate((root / person).read_text().splitlines(), 1) if text.startswith("owner:"))
    assert (findings[0]["line"], findings[0]["column"]) == (line, 8)
    assert "@vgn/privacy" in findings[0]["message"] and "@vgn/public-affairs" in findings[0]["message"]
    assert "maar de eigenaar is team 'privacy'" in findings[0]["message"]
    outdated = run(root, "codeowners", "--check")
    assert outdated.exit_code == 1 and "is verouderd" in outdated.output  # the examples speak Dutch
    assert run(root, "codeowners").exit_code == 0
    assert f"/{person} @vgn/privacy" in owners_file(root)
    assert run(root, "codeowners", "--check").exit_code == 0
    assert check(root) == []


def test_editing_only_the_file_is_seen_despite_the_check_cache(example_git_repo):
    root = example_git_repo.root
    run(root, "codeowners")
    assert check(root) == []
    path = root / ".github/CODEOWNERS"
    path.write_text(owners_file(root).replace("/records/purposes/ @vgn/privacy", "/records/purposes/ @vgn/projects"))
    findings = check(root)
    assert findings and {f["path"] for f in findings} <= set(records_by_owner(root))
    assert all(f["path"].startswith("records/purposes/") for f in findings)


def test_many_wrong_records_are_one_finding_on_the_file(example_git_repo):
    root = example_git_repo.root
    run(root, "codeowners")
    path = root / ".github/CODEOWNERS"
    path.write_text(owners_file(root).replace("/records/people/ @vgn/public-affairs", "/records/people/ @vgn/projects"))
    findings = check(root)
    assert len(findings) == 1 and findings[0]["path"] == ".github/CODEOWNERS"
    assert re.search(r"voor \d\d+ records andere reviewers", findings[0]["message"])


def test_a_stale_line_is_reported_where_it_differs(example_git_repo):
    root = example_git_repo.root
    run(root, "codeowners")
    lines = owners_file(root).splitlines()
    at = lines.index("/records/purposes/ @vgn/privacy")
    lines.insert(at + 1, "/records/purposes/gone.yaml @vgn/projects")
    (root / ".github/CODEOWNERS").write_text("\n".join(lines) + "\n")
    findings = check(root)
    assert [(f["path"], f["line"]) for f in findings] == [(".github/CODEOWNERS", at + 2)]


def test_own_lines_are_kept_and_the_command_is_idempotent(example_git_repo):
    root = example_git_repo.root
    (root / ".github").mkdir()
    (root / ".github/CODEOWNERS").write_text("# ours\n* @vgn/admins\n/schemas/ @vgn/privacy\n")
    run(root, "codeowners")
    first = owners_file(root)
    assert first.startswith("# ours\n* @vgn/admins\n/schemas/ @vgn/privacy\n\n" + BEGIN + "\n")
    assert first.endswith(END + "\n")
    (root / ".github/CODEOWNERS").write_text(first + "/docs/ @vgn/communications\n")
    second = run(root, "codeowners")
    assert "is actueel" in second.output
    assert owners_file(root) == first + "/docs/ @vgn/communications\n"


def test_a_team_without_a_handle_falls_back_to_its_active_colleagues(example_git_repo):
    root = example_git_repo.root
    teams = root / "records/vocabularies/teams.yaml"
    teams.write_text(teams.read_text().replace('  github: "@vgn/public-affairs"\n', ""))
    run(root, "codeowners")
    _b, block, _a = split(owners_file(root))
    # anna-vgn is in public-affairs; gijs-vgn is too, but has left (active: false)
    assert "/records/people/ @anna-vgn" in block
    assert "gijs-vgn" not in owners_file(root)
    assert check(root) == []


def test_a_team_nobody_can_answer_for_is_named(example_git_repo):
    root = example_git_repo.root
    teams = root / "records/vocabularies/teams.yaml"
    teams.write_text(teams.read_text().replace('  github: "@vgn/privacy"\n', ""))
    for staff in (root / "records/staff").glob("*.yaml"):
        staff.write_text(staff.read_text().replace("teams: [privacy, member-services]", "teams: [member-services]"))
    result = run(root, "codeowners")  # stderr is part of CliRunner's output
    assert result.exit_code == 0
    assert "Team 'privacy' is eigenaar van 7 record(s)" in result.output
    assert "@vgn/privacy" not in owners_file(root)


def test_a_pull_request_that_changes_an_owner_is_warned(example_git_repo):
    root = example_git_repo.root
    run(root, "codeowners")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "CODEOWNERS")
    person = next(p for p, t in records_by_owner(root).items()
                  if p.startswith("records/people/") and t == "public-affairs")
    set_owner(root / person, "communications")
    git(root, "commit", "-qam", "Another team takes this contact")
    findings = check(root, "--changed-since", "HEAD~1")
    assert [f["path"] for f in findings] == [person]


def test_dry_run_writes_nothing_and_without_a_file_check_is_silent(example_git_repo):
    root = example_git_repo.root
    result = run(root, "codeowners", "--dry-run")
    assert result.exit_code == 0 and BEGIN in result.output
    assert not (root / ".github").exists()
    assert check(root) == []


def test_a_real_process(example_git_repo):
    root = example_git_repo.root
    done = subprocess.run([sys.executable, "-m", "crmtool", "codeowners", "--root", str(root)],
                          capture_output=True, text=True, cwd=PROJECT)
    assert done.returncode == 0, done.stderr
    assert ".github/CODEOWNERS geschreven" in done.stdout
    again = subprocess.run([sys.executable, "-m", "crmtool", "codeowners", "--check", "--root", str(root)],
                           capture_output=True, text=True, cwd=PROJECT)
    assert again.returncode == 0, again.stdout


def test_a_pull_request_that_changes_only_codeowners_is_checked_whole(example_git_repo):
    """CODEOWNERS is a file W005 reads (rules.inputs): changing it alone can misroute any
    record's review, so the check of that change reads every record."""
    root = example_git_repo.root
    run(root, "codeowners")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "CODEOWNERS")
    path = root / ".github/CODEOWNERS"
    path.write_text(owners_file(root).replace("/records/purposes/ @vgn/privacy", "/records/purposes/ @vgn/projects"))
    git(root, "commit", "-qam", "Purposes reviewed by projects")
    findings = check(root, "--changed-since", "HEAD~1")
    assert findings and all(f["path"].startswith("records/purposes/") for f in findings)
