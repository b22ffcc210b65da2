"""`.github/CODEOWNERS` from each record's `owner`, so that a pull request that changes a
team's records asks that team for a review.

GitHub reads CODEOWNERS from the pull request's base branch and, for each changed file, takes
the last line whose pattern matches it. The block this module writes therefore has one line
per record folder naming the team that owns most of its records, followed by one line per
record whose owner differs from its folder's; a record without an owner under such a folder
gets a line without owners, which GitHub reads as "no code owner". At 100,000 people the
file stays a few lines plus the exceptions, well under GitHub's 3 MB limit (the command
warns when it is not).

Who a team is on GitHub: the team's `github` value in records/vocabularies/teams.yaml
(`@org/team`); without one, the `@username` of every active colleague in records/staff/ who
is in the team and has a `github` name. A team with neither cannot review: its records get
no owners, and the command names the team.

Only paths appear, never names: people's ids are opaque (P020), so the file holds no
personal data. Lines outside the generated block are the organisation's own (an owner for
`.github/` or `schemas/`, say) and are kept as they are; put them above the block, because a
later line wins on GitHub.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..load.model import Model

PATH = ".github/CODEOWNERS"
BEGIN = ("# BEGIN crmtool codeowners: generated from each record's `owner`; run `crmtool codeowners`, "
         "do not edit by hand")
END = "# END crmtool codeowners"
GITHUB_LIMIT = 3 * 1024 * 1024  # bytes; GitHub ignores a larger CODEOWNERS file

Owners = tuple[str, ...]


@dataclass
class Plan:
    """The generated block: (pattern, owners) lines in GitHub's order, and the teams that
    own records but cannot review them (team → number of records)."""

    lines: list[tuple[str, Owners]] = field(default_factory=list)
    unresolved: dict[str, int] = field(default_factory=dict)

    def block(self) -> list[str]:
        return [BEGIN, *(" ".join((pattern, *owners)) for pattern, owners in self.lines), END]


def team_owners(model: Model) -> dict[str, Owners]:
    """Each team's GitHub owners: the vocabulary's `github` handle, else its active staff."""
    members: dict[str, list[str]] = {}
    for colleague in sorted(model.of("staff"), key=lambda r: r.id):
        login = colleague.get("github")
        teams = colleague.get("teams")
        if colleague.get("active") is False or not isinstance(login, str) or not login.strip():
            continue
        for team in teams if isinstance(teams, list) else []:
            if isinstance(team, str):
                members.setdefault(team, []).append("@" + login.strip().lstrip("@"))
    owners = {team: tuple(logins) for team, logins in members.items()}
    for team, value in (model.vocabulary("teams") or {}).items():
        handle = value.get("github")
        if isinstance(handle, str) and handle.split():
            owners[team] = tuple(handle.split())
    return owners


def record_owner(data: dict) -> str | None:
    owner = data.get("owner")
    return owner if isinstance(owner, str) and owner else None


def plan(model: Model) -> Plan:
    """The block for the records in `model`."""
    handles = team_owners(model)
    result = Plan()
    unresolved: Counter = Counter()
    for folder in sorted(model.records):
        records = sorted(model.of(folder), key=lambda r: r.path)
        owned = {}
        for record in records:
            team = record_owner(record.data)
            if team is not None and team not in handles:
                unresolved[team] += 1
            owned[record.path] = handles.get(team, ()) if team else ()
        if not any(owned.values()):
            continue
        counts = Counter(owned.values())
        default = min(counts, key=lambda owners: (-counts[owners], owners))
        if default:
            result.lines.append((f"/records/{folder}/", default))
        result.lines += [(f"/{path}", owners) for path, owners in owned.items() if owners != default]
    result.unresolved = dict(sorted(unresolved.items()))
    return result


def split(text: str) -> tuple[list[str], list[str] | None, list[str]]:
    """The file's lines before the block, the block (None when there is none) and after it."""
    lines = text.splitlines()
    if BEGIN not in lines:
        return lines, None, []
    start = lines.index(BEGIN)
    end = lines.index(END, start) if END in lines[start:] else len(lines) - 1
    return lines[:start], lines[start:end + 1], lines[end + 1:]


def render(existing: str | None, generated: Plan) -> str:
    """The whole file: the organisation's own lines kept, the block replaced (or appended)."""
    before, _old, after = split(existing or "")
    if before and before[-1].strip():
        before = [*before, ""]
    return "\n".join([*before, *generated.block(), *after]) + "\n"


@dataclass
class Assignment:
    """The generated block read back: which owners it gives a path (last matching line)."""

    exact: dict[str, tuple[int, Owners]]
    folders: list[tuple[int, str, Owners]]

    @classmethod
    def parse(cls, block: list[str]) -> "Assignment":
        exact: dict[str, tuple[int, Owners]] = {}
        folders: list[tuple[int, str, Owners]] = []
        for number, line in enumerate(block):
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            pattern, owners = words[0].lstrip("/"), tuple(words[1:])
            if pattern.endswith("/"):
                folders.append((number, pattern, owners))
            else:
                exact[pattern] = (number, owners)
        return cls(exact, folders)

    def owners(self, path: str) -> Owners:
        best = self.exact.get(path, (-1, ()))
        for number, folder, owners in self.folders:
            if number > best[0] and path.startswith(folder):
                best = (number, owners)
        return best[1]


def read(root: Path) -> str | None:
    try:
        return (root / PATH).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


@dataclass
class Outcome:
    """What `crmtool codeowners` did (or, with `check`/`dry_run`, would do)."""

    text: str
    changed: bool
    written: bool
    lines: int
    unresolved: dict[str, int]

    @property
    def too_large(self) -> bool:
        return len(self.text.encode("utf-8")) > GITHUB_LIMIT


def update(root: Path, model: Model, write: bool = True) -> Outcome:
    """Bring `.github/CODEOWNERS` up to date with the records (one atomic write)."""
    from ..load.atomic import write_files
    existing = read(root)
    generated = plan(model)
    text = render(existing, generated)
    changed = text != existing
    if changed and write:
        write_files(root, {root / PATH: text})
    return Outcome(text, changed, changed and write, len(generated.lines), generated.unresolved)
