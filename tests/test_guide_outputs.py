"""The sample outputs in the staff guide (docs/guide/en, docs/guide/nl) are produced by this
test, so they cannot go stale.

A generated sample is written in the guide as

    <!-- output: cooperative -->
    ```sh
    crmtool review --today 2026-11-24
    ```

    ```
    ...what the command prints...
    ```

The comment (invisible on GitHub) names the example the command runs in: `association` (the
records at the project's root) or `cooperative` (examples/cooperative). The command block holds
exactly one crmtool command, with every date it depends on pinned (`--today`, `--on`), and the
next fenced block is its output. The test runs that command as a real process, in a fresh
copy of the shipped example, in the guide's language (the English guide sets `language: en` in
the copy's crmtool.yaml), and compares what it prints with the block. Only trailing spaces are
normalised; nothing else varies between runs.

To rewrite every generated block after a deliberate change (new records, a new message):

    CRMTOOL_REGENERATE_DOCS=1 .venv/bin/python -m pytest -q tests/test_guide_outputs.py

then read the diff of docs/guide/ before committing it (docs/guide/README: "Sample outputs").
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import PROJECT, TODAY

GUIDE = PROJECT / "docs" / "guide"
MARKER = re.compile(r"^\s*<!-- output: (association|cooperative) -->\s*$")
FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
REGENERATE = os.environ.get("CRMTOOL_REGENERATE_DOCS") == "1"
DATED = re.compile(r"--(today|on)\b")


@dataclass
class Sample:
    path: Path
    index: int          # the index-th marker in the file
    example: str
    command: str
    output: list[str]   # the block's lines, without the fence's indentation
    start: int          # line index of the output block's first line (after its fence)
    end: int            # line index of its closing fence
    indent: str

    @property
    def language(self) -> str:
        return self.path.parent.name

    def __str__(self) -> str:
        return f"{shown(self.path)}#{self.index + 1}"


def shown(path: Path) -> str:
    return path.relative_to(PROJECT).as_posix() if path.is_relative_to(PROJECT) else path.name


def samples_in(path: Path) -> list[Sample]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found, index = [], 0
    for number, line in enumerate(lines):
        marker = MARKER.match(line)
        if not marker:
            continue
        where = f"{shown(path)}:{number + 1}"
        opening = FENCE.match(lines[number + 1]) if number + 1 < len(lines) else None
        assert opening and opening.group(2) == "sh", f"{where}: the marker must be followed by a ```sh block"
        close = next(i for i in range(number + 2, len(lines)) if FENCE.match(lines[i]))
        commands = [line.strip() for line in lines[number + 2:close] if line.strip()]
        assert len(commands) == 1 and commands[0].startswith("crmtool "), \
            f"{where}: the command block must hold one crmtool command"
        start = close + 1
        while start < len(lines) and not lines[start].strip():
            start += 1
        output_fence = FENCE.match(lines[start]) if start < len(lines) else None
        assert output_fence and output_fence.group(2) in ("", "text"), f"{where}: no output block after the command"
        end = next(i for i in range(start + 1, len(lines)) if FENCE.match(lines[i]))
        indent = output_fence.group(1)
        body = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in lines[start + 1:end]]
        found.append(Sample(path, index, marker.group(1), commands[0], body, start + 1, end, indent))
        index += 1
    return found


def all_samples() -> list[Sample]:
    return [sample for path in sorted(GUIDE.glob("*/*.md")) for sample in samples_in(path)]


def example_copy(example: str, language: str, target: Path) -> Path:
    """A fresh copy of a shipped example, speaking the guide's language."""
    if example == "association":
        target.mkdir()
        for name in ("records", "data"):
            shutil.copytree(PROJECT / name, target / name)
        shutil.copy(PROJECT / "crmtool.yaml", target / "crmtool.yaml")
    else:
        shutil.copytree(PROJECT / "examples" / "cooperative", target, ignore=shutil.ignore_patterns("build"))
    config = target / "crmtool.yaml"
    text = config.read_text(encoding="utf-8")
    assert "\nlanguage: nl\n" in text
    config.write_text(text.replace("\nlanguage: nl\n", f"\nlanguage: {language}\n"), encoding="utf-8")
    return target


def run(sample: Sample, tmp_path: Path) -> list[str]:
    root = example_copy(sample.example, sample.language, tmp_path / "repo")
    env = {key: value for key, value in os.environ.items() if key not in ("CRMTOOL_TODAY", "CI")}
    # A guard, not the pin: every sample names its dates on its command line (checked below);
    # this only keeps a command that would read "today" unasked off the wall clock.
    env.update(CRMTOOL_TODAY=TODAY.isoformat(), NO_COLOR="1", COLUMNS="200")
    done = subprocess.run([sys.executable, "-m", "crmtool", *shlex.split(sample.command)[1:]],
                          cwd=root, capture_output=True, text=True, env=env)
    assert done.returncode in (0, 1), f"{sample}: {sample.command}\n{done.stderr}"
    text = done.stdout.replace(str(root), ".")
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def rewrite(sample: Sample, output: list[str]) -> None:
    """Put `output` in place of the sample's block (found again by its marker's index)."""
    fresh = samples_in(sample.path)[sample.index]
    lines = sample.path.read_text(encoding="utf-8").splitlines()
    lines[fresh.start:fresh.end] = [f"{fresh.indent}{line}" if line else "" for line in output]
    sample.path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_guide_has_generated_samples_in_both_languages():
    samples = all_samples()
    by_language = {language: [s for s in samples if s.language == language] for language in ("en", "nl")}
    assert len(by_language["en"]) >= 6 and len(by_language["nl"]) >= 6, {k: len(v) for k, v in by_language.items()}
    # The same commands in both languages, in the same chapters.
    assert sorted((s.path.name, s.command) for s in by_language["en"]) == \
        sorted((s.path.name, s.command) for s in by_language["nl"])
    assert {s.command.split()[1] for s in samples} >= {"review", "query", "who", "end-role", "search"}


def test_a_review_sample_shows_items_that_are_due():
    """The weekly-review chapter shows the review on a day when there is something to do."""
    reviews = [s for s in all_samples() if s.command.split()[1] == "review"]
    assert reviews
    for sample in reviews:
        assert "--today" in sample.command, sample
        assert any(line.lstrip().startswith("- [") for line in sample.output), f"{sample}: nothing is due"


@pytest.mark.parametrize("sample", all_samples(), ids=str)
def test_the_sample_is_what_the_command_prints(sample: Sample, tmp_path: Path):
    output = run(sample, tmp_path)
    if REGENERATE:
        if output != sample.output:
            rewrite(sample, output)
        return
    words = sample.command.split()
    if words[1] in ("review", "check", "who", "query", "end-role", "assign"):
        assert DATED.search(sample.command), f"{sample}: pin the day with --today or --on"
    assert output == sample.output, (
        f"{sample}: `{sample.command}` prints something else now; if that is right, regenerate with "
        f"CRMTOOL_REGENERATE_DOCS=1 (see this test's docstring).\n" + "\n".join(output))


def test_samples_are_found_and_a_changed_output_is_caught(tmp_path: Path):
    """The parser finds a marked sample, and a sample that differs from the output fails."""
    guide = tmp_path / "guide" / "en"
    guide.mkdir(parents=True)
    page = guide / "x.md"
    page.write_text("Intro\n\n<!-- output: cooperative -->\n```sh\ncrmtool search \"de smet\"\n```\n\n"
                    "```\nsomething old\n```\n", encoding="utf-8")
    [sample] = samples_in(page)
    assert sample.example == "cooperative" and sample.command == 'crmtool search "de smet"'
    assert sample.output == ["something old"]
    output = run(sample, tmp_path)
    assert output and output != sample.output
    rewrite(sample, output)
    assert samples_in(page)[0].output == output
    assert page.read_text(encoding="utf-8").startswith("Intro\n\n<!-- output: cooperative -->\n```sh\n")
