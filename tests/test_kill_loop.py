"""kill -9 at random moments of the commands that change several records at once.

Each case copies a prepared repository, runs one command as a real process that SIGKILLs
itself at step N of its change (`CRMTOOL_CRASH_AT_STEP`, crmtool/load/atomic.py: a journal write,
a staged file, a backup, a rename, a removal), and then asserts what issue 15 asks:

- every record file is whole: its old bytes or the bytes the command writes when it is not
  interrupted (files whose content is random by design, such as an imported person's opaque
  id or the erasure log's salt, must at least load as a YAML mapping);
- nothing is left outside build/: no temporary file, backup or journal beside the records,
  and no file that is neither old nor new;
- the next command sees it: `crmtool check` reports S010 and exits 1 while a change is
  interrupted, and when none is, the repository is wholly old or wholly new;
- `crmtool recover` (rolls back) or `crmtool recover --finish` (completes) resolves it,
  after which the records are exactly the old or the new state and the check passes.

The moments are drawn by a seeded random generator over each command's steps (and one past
the last, where the command completes), so a failure is reproduced by its case id.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crmtool.load import atomic
from crmtool.cli import cli

from .conftest import FIXTURES, PROJECT
from .test_merge import DUPLICATE, KEEP, add_duplicate_person

TODAY = "2026-11-24"
ENV = {"CRMTOOL_TODAY": TODAY}
SEED = 20261124
PER_COMMAND = 7
CONTACTS = FIXTURES / "exchange" / "contacts-en.csv"
NOT_CANONICAL = ["records/roles/r-lelystad-raadslid-2022-a.yaml", "records/people/p-r5epc6.yaml",
                 "records/organisations/gemeente-almere.yaml", "records/roles/r-almere-burgemeester-2021.yaml"]

COMMANDS = {
    "erase": ["subject", "erase", "p-r5epc6"],
    "merge": ["merge", KEEP, DUPLICATE],
    "end-role": ["end-role", "r-lelystad-wethouder-2026-a", "--on", "2026-12-31", "--reason", "not-re-elected"],
    "fmt": ["fmt"],
    "import": ["import", "csv", str(CONTACTS), "--purpose", "office-holders", "--source", "public-register",
               "--skip-invalid", "--apply"],
}
RANDOM_CONTENT = {"erase": lambda path, old: path == "erasure-log.yaml",  # a fresh salt
                  "import": lambda path, old: path.startswith("records/people/") and path not in old}  # opaque ids


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file outside build/, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] != atomic.BUILD}


def crmtool(root: Path, args: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crmtool", *args, "--root", str(root)], capture_output=True,
                          text=True, env={**os.environ, **ENV, **(env or {})})


def invoke(root: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--root", str(root)], env=ENV)


@dataclass
class Reference:
    """A command's old and new state (run once without interruption) and its step count."""

    template: Path
    old: dict[str, bytes]
    new: dict[str, bytes]
    steps: int


def _prepare(base: Path) -> Path:
    """The shipped records with a duplicate person (for merge) and four files out of the
    canonical layout (for fmt), with a warm check cache."""
    root = base / "template"
    root.mkdir(parents=True)
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    add_duplicate_person(root)
    for path in NOT_CANONICAL:
        text = (root / path).read_text(encoding="utf-8")
        (root / path).write_text(text.replace("\nstart: ", "\nstart:   ", 1) + "\n\n", encoding="utf-8")
    result = invoke(root, "check")
    assert "S010" not in result.output and result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def references(tmp_path_factory) -> dict[str, Reference]:
    base = tmp_path_factory.mktemp("kill-loop")
    template = _prepare(base)
    old = snapshot(template)
    found = {}
    for name, args in COMMANDS.items():
        copy = base / f"reference-{name}"
        shutil.copytree(template, copy)
        done = crmtool(copy, args)
        assert done.returncode == 0, (name, done.stdout, done.stderr)
        new = snapshot(copy)
        changed = {p for p in old.keys() | new.keys() if old.get(p) != new.get(p)}
        staged = len([p for p in changed if p in new])
        backed_up = len([p for p in changed if p in old])
        # a journal written three times and removed once, a staged file and a backup each, a rename each
        found[name] = Reference(template, old, new, 4 + staged + backed_up + len(changed))
    return found


def _cases() -> list:
    chooser = random.Random(SEED)
    cases = []
    for name in COMMANDS:
        for number in range(PER_COMMAND):
            cases.append(pytest.param(name, chooser.random(), chooser.random() < 0.5, id=f"{name}-{number}"))
    return cases


def _whole(name: str, path: str, content: bytes, ref: Reference) -> bool:
    if content == ref.old.get(path) or content == ref.new.get(path):
        return True
    if name in RANDOM_CONTENT and RANDOM_CONTENT[name](path, ref.old):
        return isinstance(yaml.safe_load(content), dict)
    return False


def _is(name: str, state: dict[str, bytes], ref: Reference, target: dict[str, bytes]) -> bool:
    """Whether `state` is exactly `target`, random content excepted (same paths, loads)."""
    if name in RANDOM_CONTENT and target is ref.new:
        same = {p for p in state if not RANDOM_CONTENT[name](p, ref.old)}
        wanted = {p for p in target if not RANDOM_CONTENT[name](p, ref.old)}
        return (same == wanted and all(state[p] == target[p] for p in same)
                and len(state) == len(target) and all(_whole(name, p, state[p], ref) for p in state))
    return state == target


@pytest.mark.parametrize("name, moment, finish", _cases())
def test_a_kill_at_any_moment_leaves_whole_files_and_a_visible_change(references, tmp_path, name, moment, finish):
    ref = references[name]
    step = 1 + int(moment * (ref.steps + 1))  # 1 .. steps + 1: the last lets the command complete
    root = tmp_path / "repo"
    shutil.copytree(ref.template, root)
    done = crmtool(root, COMMANDS[name], env={atomic.CRASH_AT: str(step)})
    assert done.returncode in (-9, 0), (step, done.stdout, done.stderr)
    assert (done.returncode == 0) == (step > ref.steps), (step, ref.steps)

    state = snapshot(root)
    for path, content in state.items():
        assert _whole(name, path, content, ref), f"step {step}: {path} is neither old nor new"
        assert path in ref.old or path in ref.new or RANDOM_CONTENT.get(name, lambda *a: False)(path, ref.old), \
            f"step {step}: {path} is left outside build/"
    assert not [p for p in state if p.endswith((atomic.NEW_SUFFIX, atomic.OLD_SUFFIX)) or "crmtool-change" in p]

    found = atomic.interrupted(root)
    check = invoke(root, "check", "--format", "json")
    s010 = [f for f in json.loads(check.stdout)["findings"] if f["rule"] == "S010"]
    if found is not None:
        assert check.exit_code == 1 and len(s010) == 1, (step, check.output)
    else:
        assert s010 == [] and check.exit_code == 0, (step, check.output)
        assert _is(name, state, ref, ref.old) or _is(name, state, ref, ref.new), step

    result = invoke(root, "recover", *(["--finish"] if finish else []), "--format", "json")
    assert result.exit_code == 0, result.output
    after = snapshot(root)
    if found is None:
        assert after == state
    elif finish and found.phase == atomic.COMMITTING:
        assert _is(name, after, ref, ref.new), step
    elif found.phase == atomic.DONE:
        assert _is(name, after, ref, ref.new), step
    else:
        assert after == ref.old, step
    assert atomic.interrupted(root) is None and not (root / atomic.JOURNAL).exists()
    assert [p.name for p in (root / atomic.STAGE).iterdir()] == [] if (root / atomic.STAGE).exists() else True
    final = invoke(root, "check")
    assert final.exit_code == 0 and "S010" not in final.output, (step, final.output)
