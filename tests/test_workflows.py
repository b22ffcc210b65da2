"""The GitHub workflows call crmtool as it is: every `crmtool ...` in a `run:` step names a
real command (or subcommand) and only options it has. A renamed option would otherwise only
fail on GitHub, after the merge."""
from __future__ import annotations

import re
import shlex

import click
import pytest
import yaml

from crmtool.cli import cli

from .conftest import PROJECT

WORKFLOWS = sorted((PROJECT / ".github" / "workflows").glob("*.yml"))


def crmtool_calls(script: str) -> list[list[str]]:
    calls = []
    for line in script.splitlines():
        for part in re.split(r"&&|\|\||;|\|", line):
            words = shlex.split(part.replace("${{", "'${{").replace("}}", "}}'"), comments=True)
            words = [w for w in words if not w.startswith(">")]
            if words and words[0] == "crmtool":
                calls.append(words[1:])
    return calls


def resolve(words: list[str]) -> tuple[click.Command, list[str]]:
    command: click.Command = cli
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        assert words[0] in command.commands, f"no command crmtool ... {words[0]}"
        command, words = command.commands[words[0]], words[1:]
    return command, words


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_crmtool_call_exists(workflow):
    steps = [step for job in yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"].values()
             for step in job.get("steps", [])]
    calls = [call for step in steps for call in crmtool_calls(step.get("run", ""))]
    for call in calls:
        command, rest = resolve(call)
        options = {o for p in command.params for o in p.opts}
        for word in rest:
            if word.startswith("--"):
                assert word.split("=")[0] in options, f"{workflow.name}: crmtool {' '.join(call)}"


def test_the_workflows_call_crmtool():
    calls = {workflow.name: [c[0] for step in [s for j in yaml.safe_load(workflow.read_text())["jobs"].values()
                                                for s in j.get("steps", [])]
                             for c in crmtool_calls(step.get("run", ""))] for workflow in WORKFLOWS}
    assert {"check", "fmt", "codeowners"} <= set(calls["check.yml"])
    assert "diff" in calls["diff.yml"] and "build" in calls["publish.yml"] and "review" in calls["review.yml"]


def _evaluate(text: str, context: dict[str, str]) -> str:
    """`${{ github.x }}` and `${{ github.a || github.b }}` as GitHub evaluates them (an empty
    value is falsy); enough for the cache keys below."""
    def one(match: re.Match) -> str:
        for name in match.group(1).split("||"):
            value = context[name.strip()]
            if value:
                return value
        return ""
    return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", one, text)


def _cache_step() -> dict:
    workflow = yaml.safe_load((PROJECT / ".github" / "workflows" / "check.yml").read_text(encoding="utf-8"))
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]
             if str(s.get("uses", "")).startswith("actions/cache")]
    assert len(steps) == 1
    return steps[0]["with"]


PUSH_TO_MAIN = {"github.ref": "refs/heads/main", "github.ref_name": "main", "github.base_ref": "",
                "github.sha": "0123abc", "github.event_name": "push"}
PULL_REQUEST = {"github.ref": "refs/pull/7/merge", "github.ref_name": "7/merge", "github.base_ref": "main",
                "github.sha": "4567def", "github.event_name": "pull_request"}


def test_the_check_of_main_restores_only_mains_own_cache():
    """The check that guards main never trusts a cache another branch's (or a pull request's)
    run saved: every key it may restore from starts with main's ref, and no key a pull
    request saves does (docs/decisions.md, "The check cache's threat model")."""
    cache = _cache_step()
    restore = [line for line in str(cache.get("restore-keys", "")).splitlines() if line.strip()]
    main_prefixes = [_evaluate(key, PUSH_TO_MAIN) for key in [cache["key"], *restore]]
    assert all(p.startswith("crmtool-cache-refs/heads/main-") for p in main_prefixes), main_prefixes
    saved_by_pull_request = _evaluate(cache["key"], PULL_REQUEST)
    assert not any(saved_by_pull_request.startswith(p) for p in main_prefixes)
    # another branch's push does not reach main's cache either
    other = {**PUSH_TO_MAIN, "github.ref": "refs/heads/feature", "github.ref_name": "feature"}
    assert not any(_evaluate(cache["key"], other).startswith(p) for p in main_prefixes)


def test_a_pull_request_restores_its_own_or_its_base_branchs_cache():
    cache = _cache_step()
    restore = [_evaluate(line, PULL_REQUEST) for line in str(cache["restore-keys"]).splitlines() if line.strip()]
    assert restore == ["crmtool-cache-refs/pull/7/merge-", "crmtool-cache-refs/heads/main-"]
    assert _evaluate(cache["key"], PULL_REQUEST) == "crmtool-cache-refs/pull/7/merge-4567def"


def test_the_cached_files_are_the_caches_only():
    """Only the two caches travel between runs: never the index or the site (personal data)."""
    assert sorted(str(_cache_step()["path"]).split()) == ["build/check-cache.sqlite", "build/fmt-cache.sqlite"]
