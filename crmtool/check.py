"""`crmtool check`: every rule over the whole repository, as a list of findings.

Files are loaded and checked one by one (Y and S rules need nothing else), then the loaded
records form the model that the rules across records (R, T, and later P, Q, W) read. The
check never stops at the first broken file, and returns values; it never prints.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import i18n, waivers
from .findings import Finding, summarise
from .load import load_document
from .model import Model, Record
from .repo import CONFIG_FILE, Repository, UsageError
from .rules import FILE_RULES, REPOSITORY_RULES, RULES
from .rules.base import FileContext, Locator, RepoContext
from .schema import SchemaFileError, SchemaSet

SEVERITY_OFF = "off"


@dataclass
class CheckResult:
    findings: list[Finding]
    files: int
    config_broken: bool = False
    summary: dict = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        if self.config_broken:
            return 2
        return 1 if any(f.severity == "error" for f in self.findings) else 0


def load_schemas(repo: Repository) -> SchemaSet:
    try:
        schemas = SchemaSet(repo.schema_dir)
    except SchemaFileError as error:
        raise UsageError(f"a schema cannot be read: {error}") from error
    if not schemas.documents:
        raise UsageError(f"no schemas found in {repo.schema_dir}")
    return schemas


def load_config(repo: Repository, schemas: SchemaSet) -> tuple[dict, list[Finding]]:
    """crmtool.yaml, checked like a record. A missing file means every default."""
    path = repo.config_path
    if not path.exists():
        return {}, []
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UsageError(f"{CONFIG_FILE} cannot be read: {error.strerror}") from error
    doc = load_document(CONFIG_FILE, raw)
    if isinstance(doc.data, dict):
        i18n.use(str(doc.data.get("language", "en")))
    ctx = FileContext(CONFIG_FILE, "config", doc, schemas)
    findings = [f for rule in FILE_RULES if rule.RULE.id != "S002" for f in rule.check_file(ctx)]
    config = doc.data if isinstance(doc.data, dict) else {}
    return config, findings


def run_check(repo: Repository, today: dt.date, paths: list[str] | None = None) -> CheckResult:
    schemas = load_schemas(repo)
    i18n.use("en")
    config, config_findings = load_config(repo, schemas)
    if any(f.severity == "error" for f in config_findings):
        # The settings themselves cannot be trusted: report them, check nothing else (exit 2).
        return CheckResult(sorted(config_findings), 1, config_broken=True,
                           summary=summarise(config_findings, 1))
    files, strays = repo.scan()
    model = Model(config=config, today=today)
    findings: list[Finding] = list(config_findings)
    findings.extend(_load_records(repo, files, model, schemas, FILE_RULES))
    context = RepoContext(model, schemas, Locator(repo.root), files, strays)
    for rule in REPOSITORY_RULES:
        findings.extend(rule.check(context))
    findings = _apply_settings(findings, config)
    findings, waived = waivers.apply(findings, config, today)
    if paths:
        wanted = tuple(p.rstrip("/") for p in paths)
        findings = [f for f in findings if f.path in wanted or f.path.startswith(tuple(w + "/" for w in wanted))]
    findings.sort()
    summary = summarise(findings, len(files) + 1)
    summary["waived"] = waived
    return CheckResult(findings, len(files) + 1, summary=summary)


def _load_records(repo: Repository, files: list, model: Model, schemas: SchemaSet, rules: list) -> list[Finding]:
    """Read every record file into `model`, running the per-file `rules` on each."""
    findings: list[Finding] = []
    for file in files:
        model.ids[file.folder].add(file.id)
    for file in files:
        try:
            raw = (repo.root / file.path).read_bytes()
        except OSError:
            raw = b"\x00"  # unreadable: reported as not a text file
        doc = load_document(file.path, raw)
        if rules:
            ctx = FileContext(file.path, file.type, doc, schemas, file)
            for rule in rules:
                findings.extend(rule.check_file(ctx))
        if doc.loaded and isinstance(doc.data, dict):
            model.add(Record(file.folder, file.id, file.path, doc.data))
    return findings


def load_model(repo: Repository, today: dt.date) -> Model:
    """The records as the review and the questions read them, without running the check.

    A broken crmtool.yaml is a usage error here (exit 2): `crmtool check` explains it.
    """
    schemas = load_schemas(repo)
    i18n.use("en")
    config, config_findings = load_config(repo, schemas)
    if any(f.severity == "error" for f in config_findings):
        raise UsageError(f"{CONFIG_FILE} has errors; run `crmtool check` to see them")
    model = Model(config=config, today=today)
    files, _ = repo.scan()
    _load_records(repo, files, model, schemas, [])
    return model


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
    """Every rule with id, severity and description, in the active language."""
    return [{"id": rid, "severity": m.RULE.severity, "description": i18n._(m.RULE.summary),
             "scope": m.RULE.scope, "serves": m.RULE.article} for rid, m in RULES.items()]


def rules_markdown() -> str:
    """The rule reference (docs/rules.md), generated from the rule modules' docstrings.

    A test compares it with the committed file, so the documentation cannot drift.
    """
    import inspect
    out = ["# Rules", "",
           "Generated by `crmtool rules --format markdown` from the rule modules; do not edit by hand.", "",
           "| id | severity | serves | description |", "| --- | --- | --- | --- |"]
    for rid, module in RULES.items():
        out.append(f"| [{rid}](#{rid.lower()}) | {module.RULE.severity} | {module.RULE.article} | {module.RULE.summary} |")
    for rid, module in RULES.items():
        doc = inspect.cleandoc(module.__doc__ or "")
        title, _, body = doc.partition("\n")
        title = title.split(": ", 1)[-1]
        body = "\n".join(line[:-1] if line.endswith("::") else line for line in body.strip().splitlines())
        out += ["", f"## {rid}", "", f"**{title[:1].upper()}{title[1:]}** ({module.RULE.severity}; {module.RULE.article})",
                "", body.replace("``", "`")]
    return "\n".join(out) + "\n"
