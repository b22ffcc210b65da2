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
