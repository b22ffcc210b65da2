"""The layout is the map: docs/architecture.md names every package, and imports run one way.

Every `import` and `from ... import` in crmtool (also those inside functions) is read with
`ast` and resolved to the module it names; the rules below are the flow the architecture
document draws. A new package that the document does not describe, or an import against the
flow, fails here with the file and line.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from .conftest import PROJECT

PACKAGE = PROJECT / "crmtool"
ARCHITECTURE = PROJECT / "docs" / "architecture.md"

LAYERS = {
    # package (or top-level module): what it may import from crmtool
    "i18n": set(),
    "findings": set(),
    "templating": set(),
    "locale": set(),
    "load": {"i18n", "findings"},
    "domain": {"load", "i18n", "findings"},
    "git": {"load", "i18n", "findings"},
    "rules": {"domain", "load", "git", "i18n", "findings"},
    "check": {"rules", "domain", "load", "git", "i18n", "findings"},
    "reporters": {"index", "domain", "load", "i18n", "findings"},
    "index": {"domain", "load", "git", "i18n", "findings"},
    "register": {"audit", "domain", "load", "git", "i18n", "findings", "templating", "reporters"},
    "audit": {"domain", "load", "git", "i18n", "findings"},
    "subject": {"check", "edit", "domain", "load", "git", "index", "register", "i18n", "findings", "templating"},
    "exchange": {"check", "edit", "subject", "domain", "load", "i18n", "findings", "reporters"},
    "edit": {"check", "domain", "load", "git", "i18n", "findings", "templating"},
    "demo": {"domain", "load", "git", "i18n"},
    "serve": {"exchange", "subject", "edit", "check", "audit", "register", "reporters", "index", "domain", "load",
              "git", "i18n", "findings", "templating"},
    "cli": {"*"},
    "__main__": {"*"},
}
"""Each package's allowed dependencies: the flow of docs/architecture.md (files -> load ->
model -> rules -> findings -> reporters; index, register, subject and edits read the model).
`check` here means the check's public face (`crmtool/check/__init__.py`) for every package
but `cli`; see test_only_the_checks_face_is_used."""


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PROJECT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = modules()


def imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) for every crmtool import in the file, names of `from X import
    a` counted as X.a when X.a is a module."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("crmtool")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("crmtool"):
                continue
            subs = [f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in MODULES]
            found += [(node.lineno, name) for name in subs] or [(node.lineno, target)]
    return found


def part(module: str) -> str:
    """The package (or top-level module) a module belongs to: crmtool.check.run -> check."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else ""


EDGES = [(module, line, target) for module, path in MODULES.items() for line, target in imports(module, path)]


def where(module: str, line: int) -> str:
    return f"{MODULES[module].relative_to(PROJECT)}:{line}"


def test_every_package_is_in_the_architecture_and_in_the_flow():
    document = ARCHITECTURE.read_text(encoding="utf-8")
    packages = sorted({part(m) for m in MODULES if part(m)} - {"__main__"})
    missing = [p for p in packages if not re.search(rf"`(crmtool/)?{p}(/|\.py)?`", document)]
    assert missing == [], f"docs/architecture.md does not describe: {missing}"
    assert sorted(set(packages) - set(LAYERS)) == [], "a package without a place in the flow (LAYERS)"


def test_imports_run_with_the_flow():
    against = []
    for module, line, target in EDGES:
        source, goal = part(module), part(target)
        if not source or not goal or source == goal or "*" in LAYERS.get(source, set()):
            continue
        if goal not in LAYERS.get(source, set()):
            against.append(f"{where(module, line)}: {source} imports {target}")
    assert against == []


def test_no_module_outside_rules_and_the_check_imports_a_rule():
    against = [f"{where(m, line)}: {t}" for m, line, t in EDGES
               if t.startswith("crmtool.rules") and part(m) not in ("rules", "check")]
    assert against == []


def test_rules_are_leaves():
    """A rule imports no other rule: what two rules share is domain knowledge (domain/)."""
    against = [f"{where(m, line)}: {t}" for m, line, t in EDGES
               if m.startswith("crmtool.rules.") and t.startswith("crmtool.rules.")
               and t not in ("crmtool.rules.base",) and m != "crmtool.rules"]
    assert against == []


def test_only_the_checks_face_is_used():
    """Writers verify through `crmtool.check` (its __init__), never through its insides."""
    against = [f"{where(m, line)}: {t}" for m, line, t in EDGES
               if t.startswith("crmtool.check.") and part(m) not in ("check", "cli")]
    assert against == []


@pytest.mark.parametrize("reader", ["index", "register", "audit", "reporters", "domain", "load", "git"])
def test_readers_do_not_import_the_check(reader):
    against = [f"{where(m, line)}: {t}" for m, line, t in EDGES
               if part(m) == reader and part(t) in ("check", "rules")]
    assert against == []


def test_every_package_ships_in_the_wheel():
    pyproject = (PROJECT / "pyproject.toml").read_text(encoding="utf-8")
    packages = sorted({m for m, path in MODULES.items() if path.name == "__init__.py"})
    assert [p for p in packages if f'"{p}"' not in pyproject] == []


def test_only_crmtool_git_runs_git():
    """Every git process starts in crmtool/git/ (run.py): no other module imports GitPython,
    and a module that starts processes names no git program. The purge's worker is our own
    Python (`sys.executable -m crmtool.subject.purge_worker`), so it passes."""
    starters = {"subprocess", "pty", "os.system", "os.popen", "os.execv", "os.execvp", "os.execvpe", "os.spawnv",
                "os.spawnvp", "os.posix_spawn", "os.posix_spawnp", "asyncio.create_subprocess_exec",
                "asyncio.create_subprocess_shell"}

    def git_runs(source: str) -> list[tuple[int, str]]:
        tree = ast.parse(source)
        found: list[tuple[int, str]] = []
        starts_processes = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "git":
                        found.append((node.lineno, f"import {alias.name} (GitPython)"))
                    starts_processes |= alias.name in ("subprocess", "pty")
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                if node.module.split(".")[0] == "git":
                    found.append((node.lineno, f"from {node.module} import (GitPython)"))
                starts_processes |= node.module in ("subprocess", "pty") or any(
                    f"{node.module}.{alias.name}" in starters for alias in node.names)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                starts_processes |= f"{node.value.id}.{node.attr}" in starters
        if not starts_processes:
            return found
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and re.fullmatch(r"(.*/)?git(\.exe)?", node.value):
                found.append((node.lineno, f"names the program {node.value!r}"))
            elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                    and str(node.args[0].value).startswith("git ") and (
                        ast.unparse(node.func) in ("os.system", "os.popen", "asyncio.create_subprocess_shell")
                        or any(k.arg == "shell" for k in node.keywords)):
                found.append((node.lineno, f"runs the shell command {node.args[0].value!r}"))
        return found

    # The detector itself, on what it must and must not flag.
    assert git_runs('import subprocess\nsubprocess.run(["git", "-C", root, "log"])')
    assert git_runs('from subprocess import Popen\nPopen(["/usr/bin/git", "status"])')
    assert git_runs('import os\nos.system("git log")')
    assert git_runs("import git\n") and git_runs("from git import Repo\n") and git_runs("import git.cmd\n")
    assert git_runs('import subprocess\nsubprocess.run("git log", shell=True)')
    assert not git_runs('import subprocess, sys\nsubprocess.run([sys.executable, "-m", "worker"])\n'
                        'print("git {command} failed")')
    assert not git_runs('import git_filter_repo\nfrom ..git.run import run\nx = "git"')  # no process started here

    against = [f"{where(module, line)}: {what}" for module, path in MODULES.items() if part(module) != "git"
               for line, what in git_runs(path.read_text(encoding="utf-8"))]
    assert against == [], "git runs through crmtool/git/run.py only"
