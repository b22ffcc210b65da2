"""`crmtool check --changed-since REV`: the check of a change, for pull requests.

A pull request is blocked only by what it changed. This reads what the change touched and
what it reaches (`reach.py` says which records those are), runs every rule over that part of
the repository, and reports on it; errors that come only from time passing (rules marked
`dated`) on records the change did not touch become warnings. A change to the settings, the
schemas or a policy record falls back to the full check of `run.py`.
"""
from __future__ import annotations

import datetime as dt
from concurrent.futures import Future, ThreadPoolExecutor
from typing import cast

from ..git.changes import POLICY_FOLDERS, Changes, changes_since
from .run import CheckResult, Progress, finish, load_config, run_check
from .files import check_file, record_findings
from ..load import load_schemas
from ..load.pool import without_gc
from ..findings import Finding
from ..load.model import Model, Record
from .foresee import Foresight, foresee
from .reach import candidates, reach_targets, references
from ..load.repo import RecordFile, Repository, record_of
from .listing import LazyListing
from ..rules import FILE_RULES, RECORD_RULES, REPOSITORY_RULES, RULES
from ..rules import inputs as rule_inputs
from ..rules import s009_generated_file_tracked as s009
from ..rules.base import Locator, RepoContext
from ..load.schema import SchemaSet


def run_changed(repo: Repository, today: dt.date, base: str, paths: list[str] | None = None, *,
                use_cache: bool = True, progress: Progress | None = None) -> CheckResult:
    """`check --changed-since BASE`: what the change since `base` touched, and what it reaches.

    A pull request is blocked only by what it changed: errors that come only from the date
    passing (rules marked `dated`) on records the change did not touch become warnings, for
    the scheduled review to pick up. A change to settings, schemas or policy records (every
    person depends on a purpose) is checked against the whole repository; records that use a
    changed policy record then own their date errors too.
    """
    with ThreadPoolExecutor(2) as pool:
        # Beside git's walk of the working tree (`changes_since`, the longest wait): the listing
        # of the folders that may nest, and the search for referrers that the change's commits
        # foresee (`foresee.py`; taken only where the change turns out to want the same). When
        # the change is checked whole instead, both are left unused.
        listing = pool.submit(LazyListing, repo.root)
        foreseen = pool.submit(foresee, repo, base)
        changes = changes_since(repo.root, base)
        if not (changes.whole or _changes_what_rules_read(repo, changes)):
            return _run_partial(repo, today, changes, paths, listing, foreseen)
        result = run_check(repo, today, paths, use_cache=use_cache, progress=progress, keep_model=True)
    if result.config_broken:
        return result
    assert result.model is not None  # kept: keep_model=True
    uses_change = _users_of(result.model, changes, load_schemas(repo))
    findings = _downgrade_dated(result.raw, changes.touched | uses_change)
    return finish(findings, result.model.config, today, paths, result.files)


def _changes_what_rules_read(repo: Repository, changes: Changes) -> bool:
    """A changed file that rules read besides the records (CODEOWNERS, the postcode table)
    can change the findings on any record: check everything."""
    if not changes.other:
        return False
    config, _findings = load_config(repo, load_schemas(repo))
    return not changes.other.isdisjoint(rule_inputs(repo.root, config))


def _users_of(model: Model, changes: Changes, schemas: SchemaSet) -> set[str]:
    """Paths of the records that point to a touched record."""
    touched = {record_of(path) for path in changes.touched}
    return {record.path for folder in model.records for record in model.of(folder)
            if any((target, value) in touched for _p, target, value in references(record, schemas))}


def _downgrade_dated(findings: list[Finding], owned: set[str]) -> list[Finding]:
    """Errors of date rules on records outside `owned` become warnings."""
    return [f.with_severity("warning") if f.severity == "error" and RULES[f.rule].RULE.dated
            and f.path not in owned else f for f in findings]


def _run_partial(repo: Repository, today: dt.date, changes: Changes, paths: list[str] | None,
                 listing: Future[LazyListing], foreseen: Future[Foresight | None] | None = None) -> CheckResult:
    schemas = load_schemas(repo)
    config, config_findings = load_config(repo, schemas)
    listed = listing.result()
    duplicates = listed.duplicates()
    model = Model(config=config, today=today)
    model.ids.update(cast(dict[str, set[str]], listed.ids))  # flat folders answer by lstat (listing.py)

    def files_of(keys) -> list[RecordFile]:
        return [file for folder, rid in sorted(keys) for file in [listed.file(folder, rid)] if file]

    def files_at(paths) -> list[RecordFile]:
        return [file for path in sorted(paths) for file in [listed.at(path)] if file]

    findings: list[Finding] = []
    loaded: dict[str, Record] = {}

    def load(wanted, rules=()) -> list[Record]:
        records = []
        for file in wanted:
            if file.path in loaded:
                continue
            entry = check_file(repo.root, file, schemas, list(rules))
            findings.extend(entry.findings)
            if entry.loaded:
                record = Record(file.folder, file.id, file.path, entry.data)
                loaded[file.path] = record
                model.add(record)
                records.append(record)
        return records

    load(files_of((folder, rid) for folder in POLICY_FOLDERS for rid in listed.ids[folder]))
    touched = load(files_at(changes.touched), FILE_RULES)
    out = {(folder, value) for record in touched for _p, folder, value in references(record, schemas)
           if folder not in POLICY_FOLDERS}
    out_records = load(files_of(out))
    removed = {(folder, rid) for folder, ids in changes.removed_ids().items() for rid in ids}
    seeds = {(r.folder, r.id) for r in touched} | removed
    foresight = foreseen.result() if foreseen else None
    found = candidates(repo.root, reach_targets(touched, out_records, removed, schemas), schemas, changes,
                       foresight.referrers if foresight and foresight.commit == changes.commit else None)
    load(files_at(found))
    referrers = [r for r in loaded.values() if r.folder not in POLICY_FOLDERS
                 and any((folder, value) in seeds for _p, folder, value in references(r, schemas))]
    reported = {r.path for r in touched} | {r.path for r in out_records} | {r.path for r in referrers}
    strays = []
    if any(listed.at(p) is None for p in changes.touched):  # a stray among the changes: classify it
        strays = [s for s in repo.scan()[1] if s.path in changes.touched]
        reported |= {s.path for s in strays}
    context = {key for r in list(loaded.values()) if r.folder not in POLICY_FOLDERS
               for _p, folder, value in references(r, schemas) for key in [(folder, value)]
               if folder not in POLICY_FOLDERS}
    load(files_of(context))
    files = [file for p in loaded for file in [listed.at(p)] if file] + [f for f in duplicates if f.path not in loaded]
    files.sort(key=lambda file: file.path.split("/"))  # the scan's order: S006 names the later twin
    ctx = RepoContext(model, schemas, Locator(repo.root), files, strays, base=changes.base)
    with without_gc():
        for record in loaded.values():
            if record.path in reported:
                findings.extend(record_findings(record, schemas, config, ctx.locator, RECORD_RULES))
        for rule in REPOSITORY_RULES:
            if rule is s009 and not any(s009.generated(path) for path in reported):
                continue  # it lists every tracked file, to report only generated ones: none is reported here
            findings.extend(f for f in rule.check(ctx) if f.path in reported)
    findings = _downgrade_dated(list(config_findings) + findings, changes.touched)
    return finish(findings, config, today, paths, len(reported))
