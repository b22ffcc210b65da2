"""`crmtool check`: every rule over the whole repository, as a list of findings.

Files are loaded and checked one by one, in parallel (`files.py`): the Y and S rules and
the rules that judge one record alone need nothing else, and their results are cached per
file (`load/cache.py`). The loaded records then form the model that the rules across records
read. The check of a change (`--changed-since`) is `partial.py`. The check never stops at
the first broken file, and returns values; it never prints.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Callable

from .. import i18n
from ..domain import waivers
from ..git.blobs import file_hashes, git_state
from ..git.status import Worktree, worktree
from ..load.cache import CheckCache, FileEntry, open_cache
from .files import check_files
from ..findings import Finding, summarise
from ..load import config_of, load_schemas, read_config
from ..load.model import Model, Record
from ..load.pool import without_gc
from ..load.repo import CONFIG_FILE, Repository
from ..rules import FILE_RULES, RECORD_RULES, REPOSITORY_RULES, RULES
from ..rules import inputs as rule_inputs
from ..rules.base import FileContext, Locator, RepoContext, Setting
from ..load.schema import SchemaSet

SEVERITY_OFF = "off"

Progress = Callable[[int], Callable[[int], None]]


@dataclass
class CheckResult:
    findings: list[Finding]
    files: int
    config_broken: bool = False
    summary: dict = field(default_factory=dict)
    model: Model | None = None  # with keep_model: the records the rules read
    raw: list[Finding] = field(default_factory=list)  # with keep_model: before settings and waivers

    @property
    def exit_code(self) -> int:
        if self.config_broken:
            return 2
        return 1 if any(f.severity == "error" for f in self.findings) else 0


def load_config(repo: Repository, schemas: SchemaSet) -> tuple[dict, list[Finding]]:
    """crmtool.yaml, checked like a record. A missing file means every default."""
    doc = read_config(repo)
    ctx = FileContext(CONFIG_FILE, "config", doc, schemas)
    findings = [f for rule in FILE_RULES if rule.RULE.id != "S002" for f in rule.check_file(ctx)]
    return config_of(doc), findings


def run_check(repo: Repository, today: dt.date, paths: list[str] | None = None, *,
              use_cache: bool = True, progress: Progress | None = None,
              keep_model: bool = False) -> CheckResult:
    """Every rule over the whole repository.

    With `use_cache`, unchanged files are taken from the check cache (`cache.py`) and an
    unchanged repository from its stored result; the findings are the same either way.
    `progress(total)` is called once with the number of files still to read and returns a
    function that hears how many more are done.
    """
    schemas = load_schemas(repo)
    config, config_findings = load_config(repo, schemas)
    if any(f.severity == "error" for f in config_findings):
        # The settings themselves cannot be trusted: report them, check nothing else (exit 2).
        return CheckResult(sorted(config_findings), 1, config_broken=True,
                           summary=summarise(config_findings, 1))
    cache = open_cache(repo) if use_cache else None
    view, seen = _git_view(repo, cache) if cache else (None, None)
    if cache and seen and not keep_model and view is not None and view.changed_since(seen[0]) == set():
        findings = cache.result(_result_key(repo, today, seen[1], config))  # nothing changed: not even a walk
        if findings is not None:
            cache.close()
            return finish(findings, config, today, paths, seen[2])
    walked: list[str] = []
    files, strays = repo.scan(walked)
    blobs, stats = _known_hashes(repo, files, cache) if cache else ({}, {})
    records = _records_key(files, strays, blobs) if cache else None
    key = _result_key(repo, today, records, config) if records else None
    findings = cache.result(key) if cache and key and not keep_model else None
    model = None
    if findings is None:
        model = Model(config=config, today=today)
        findings = list(config_findings)
        with without_gc():
            findings.extend(_load_records(repo, files, model, schemas, FILE_RULES, cache, blobs, stats, progress))
            context = RepoContext(model, schemas, Locator(repo.root), files, strays)
            for rule in REPOSITORY_RULES:  # in this process: see docs/decisions.md, "Rules across records"
                findings.extend(rule.check(context))
        if cache and key is None:  # the files first hashed while they were read
            records = _records_key(files, strays, blobs)
            key = _result_key(repo, today, records, config) if records else None
        if cache and key:
            cache.store_result(key, findings)
    if cache:
        if view is not None and records:
            found = view.with_folders(repo.root, walked)
            cache.note(VIEW_NOTE, json.dumps({"view": found.text(), "records": records, "files": len(files) + 1}))
        cache.close()
    result = finish(findings, config, today, paths, len(files) + 1)
    if keep_model:
        result.model, result.raw = model, findings
    return result


def finish(findings: list[Finding], config: dict, today: dt.date, paths: list[str] | None,
            files: int) -> CheckResult:
    """Settings, waivers and the PATHS filter, applied to the findings of every rule."""
    findings = _apply_settings(findings, config)
    findings, waived = waivers.apply(findings, config, today)
    if paths:
        wanted = tuple(p.rstrip("/") for p in paths)
        findings = [f for f in findings if f.path in wanted or f.path.startswith(tuple(w + "/" for w in wanted))]
    findings.sort()
    summary = summarise(findings, files)
    summary["waived"] = waived
    return CheckResult(findings, files, summary=summary)


def _known_hashes(repo: Repository, files: list, cache: CheckCache) -> tuple[dict[str, str], dict[str, str]]:
    """Blob hashes and stat keys of the files the cache has seen (`git/blobs.py`): only those
    can be taken from it. A file it has not seen must be read, and is hashed from the bytes
    read (`files.check_file`), so a cold check does not first pass over the whole tree and
    git's index to name files it is about to read anyway."""
    remembered = cache.stats()
    return file_hashes(repo.root, [f.path for f in files if f.path in remembered], remembered)


def _records_key(files: list, strays: list, blobs: dict) -> str | None:
    """Every record file's path and content and every stray: what a whole result depends on
    under records/. None when a file could not be hashed (it is unreadable, and reported as
    such every time)."""
    if any(f.path not in blobs for f in files):
        return None
    digest = hashlib.sha256()
    for file in files:
        digest.update(f"\n{file.path} {blobs[file.path]}".encode())
    for stray in strays:
        digest.update(f"\n{stray.path} {stray.reason}".encode())
    return digest.hexdigest()


def _result_key(repo: Repository, today: dt.date, records: str, config: dict) -> str:
    """Everything a whole result depends on besides the tool key: the day, the records
    (`_records_key`), the git state that the commit-message rule reads and the other files
    rules read (`rules.inputs`: CODEOWNERS, the postcode table)."""
    digest = hashlib.sha256(f"{today.isoformat()}\n{records}".encode())
    digest.update(b"\n" + git_state(repo.root))
    for path, identity in sorted(rule_inputs(repo.root, config).items()):
        digest.update(f"\n{path} ".encode() + identity)
    return digest.hexdigest()


VIEW_NOTE = "worktree"
STAMP = "build/.check-cache.stamp"


def _git_view(repo: Repository, cache: CheckCache) -> tuple[Worktree | None, tuple[Worktree, str, int] | None]:
    """git's view of the records now (`git/status.py`), and what the last check kept: its view
    then, the key of the records it saw and how many files it counted. When git vouches that
    nothing under records/ changed since (no path, no folder), the records key is still right
    and a stored result can be taken without walking a folder or stat'ing a file."""
    kept = cache.noted(VIEW_NOTE)
    seen = None
    try:
        data = json.loads(kept) if kept else None
        if isinstance(data, dict):
            before = Worktree.from_text(data["view"])
            if before is not None and isinstance(data["records"], str) and isinstance(data["files"], int):
                seen = (before, data["records"], data["files"])
    except (ValueError, KeyError, TypeError):
        seen = None
    return worktree(repo.root, repo.root / STAMP, seen[0] if seen else None), seen


def _load_records(repo: Repository, files: list, model: Model, schemas: SchemaSet, rules: list,
                  cache: CheckCache | None = None, blobs: dict | None = None,
                  stats: dict | None = None, progress: Progress | None = None) -> list[Finding]:
    """Read every record file into `model`, running the per-file `rules` on each.

    Files whose blob hash the cache knows are not read; the rest are read (in parallel when
    there are many) and their entries stored for next time.
    """
    blobs = {} if blobs is None else blobs  # filled in as files are read: the caller keys its result by it
    stats = {} if stats is None else stats
    for file in files:
        model.ids[file.folder].add(file.id)
    known = cache.files(blobs) if cache else {}
    todo = [file for file in files if file.path not in known]
    done = progress(len(todo)) if progress and todo else None
    fresh: list[FileEntry] = []
    for entry in check_files(repo.root, todo, schemas, rules, model.config,
                             RECORD_RULES if rules else [], done):
        if entry.path in blobs or entry.blob is None:  # named before reading, or unread
            entry.blob, entry.stat = blobs.get(entry.path), stats.get(entry.path, "")
        else:  # named from the bytes read
            blobs[entry.path], stats[entry.path] = entry.blob, entry.stat
        fresh.append(entry)
    if cache:
        cache.store_files(fresh, {f.path for f in files})
    by_path = {**known, **{e.path: e for e in fresh}}
    findings: list[Finding] = []
    for file in files:
        entry = by_path[file.path]
        findings.extend(entry.findings)
        if entry.loaded:
            model.add(Record(file.folder, file.id, file.path, entry.data))
    return findings


def _apply_settings(findings: list[Finding], config: dict) -> list[Finding]:
    """Severity overrides from `rules.severity` in crmtool.yaml ("off" drops the rule)."""
    overrides = ((config.get("rules") or {}).get("severity") or {})
    if not overrides:
        return findings
    result = []
    for finding in findings:
        severity = overrides.get(finding.rule, finding.severity)
        if severity != SEVERITY_OFF:
            result.append(finding.with_severity(severity))
    return result


def rule_table() -> list[dict]:
    """Every rule with id, severity and description, in the active language, and the settings
    it reads from crmtool.yaml: `default` is the value itself, or (for a default computed from
    crmtool.yaml) null with `computed_default` saying in words what it is."""
    return [{"id": rid, "severity": m.RULE.severity, "description": i18n._(m.RULE.summary),
             "scope": m.RULE.scope, "serves": m.RULE.article, "dated": m.RULE.dated,
             "settings": [_setting_row(s) for s in m.RULE.settings]} for rid, m in RULES.items()]


def _setting_row(setting: Setting) -> dict:
    row = {"name": setting.name, "default": setting.default, "summary": i18n._(setting.summary)}
    if setting.computed is not None:
        row["computed_default"] = setting.describe_default(i18n._)
    return row


def rules_text() -> str:
    """The plain listing of `crmtool rules`: a line per rule (id, severity, description) and
    under it an indented line per setting it reads, in the active language."""
    out = []
    for rid, module in RULES.items():
        out.append(f"{rid}  {module.RULE.severity:<8} {i18n._(module.RULE.summary)}")
        out += [" " * 15 + setting.line(i18n._) for setting in module.RULE.settings]
    return "".join(line + "\n" for line in out)


def rules_markdown() -> str:
    """The rule reference (docs/rules.md), generated from the rule modules' docstrings.

    A test compares it with the committed file, so the documentation cannot drift.
    """
    import inspect
    out = ["# Rules", "",
           "Generated by `crmtool rules --format markdown` from the rule modules; do not edit by hand.", "",
           "*Dated* rules judge a date against today, so time passing alone can make them fire; with",
           "`check --changed-since` their errors on records the change did not touch are warnings.", "",
           "| id | severity | serves | description |", "| --- | --- | --- | --- |"]
    for rid, module in RULES.items():
        severity = module.RULE.severity + (", dated" if module.RULE.dated else "")
        out.append(f"| [{rid}](#{rid.lower()}) | {severity} | {module.RULE.article} | {module.RULE.summary} |")
    for rid, module in RULES.items():
        doc = inspect.cleandoc(module.__doc__ or "")
        title, _, body = doc.partition("\n")
        title = title.split(": ", 1)[-1]
        body = "\n".join(line[:-1] if line.endswith("::") else line for line in body.strip().splitlines())
        severity = module.RULE.severity + (", dated" if module.RULE.dated else "")
        out += ["", f"## {rid}", "", f"**{title[:1].upper()}{title[1:]}** ({severity}; {module.RULE.article})",
                "", body.replace("``", "`")]
        if module.RULE.settings:
            out += ["", "Settings (`rules.settings` in crmtool.yaml):", ""]
            out += ["- " + setting.line(lambda text: text, code=True) for setting in module.RULE.settings]
    return "\n".join(out) + "\n"
