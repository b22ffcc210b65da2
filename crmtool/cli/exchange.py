"""`crmtool import` and `crmtool export`: people in and out as CSV (Excel) and vCard."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..i18n import _, ngettext
from .options import format_option, parse_day, resolve_repo, resolve_today, root_option, today_option
from .output import refuse_under_records, write_out

KINDS = click.Choice(["csv", "vcard"])
EXPORT_KINDS = click.Choice(["csv", "vcard", "xlsx"])


@click.command("import")
@click.argument("kind", type=KINDS)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--purpose", metavar="PURPOSE", default=None,
              help="The purpose every row is held for (a `purpose`/`doel` column overrides it per row).")
@click.option("--source", metavar="SOURCE", default=None,
              help="Where the data comes from: one of the purpose's sources (default: its only source).")
@click.option("--apply", is_flag=True, help="Write the new person files; without it nothing is written.")
@click.option("--skip-invalid", is_flag=True, help="With --apply: import the good rows and leave the refused ones out.")
@root_option
@today_option
@format_option("text", "json")
def import_(kind: str, file: Path, purpose: str | None, source: str | None, apply: bool, skip_invalid: bool,
            root: Path | None, today: str | None, output_format: str) -> None:
    """Import people from a CSV or vCard FILE as new person records.

    A dry run by default: shows each person it would create (the proposed id, the name, the
    fields), the rows it refuses and why, and warnings about probable duplicates and people
    who were erased before. --apply writes every new file at once, or none. Exit status 1
    when a row is refused.
    """
    from ..load.atomic import AtomicError
    from ..exchange.importing import import_people
    repo = resolve_repo(root)
    try:
        plan = import_people(repo, kind, file, purpose, source, resolve_today(today), apply=apply,
                             skip_invalid=skip_invalid)
    except AtomicError as error:
        raise click.ClickException(str(error)) from error
    if output_format == "json":
        click.echo(json.dumps(plan.as_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(render_import(plan), nl=False)
    sys.exit(plan.exit_code)


def render_import(plan) -> str:
    """One block per person: the line, the id and name, the fields, what is left out, warnings."""
    lines = []
    if plan.written:
        lines.append(_("Created {count} people from {file}:").format(count=len(plan.written), file=plan.file))
    elif plan.proposals:
        lines.append(_("Would create {count} people from {file}:").format(count=len(plan.proposals), file=plan.file))
    else:
        lines.append(_("Nothing to create from {file}.").format(file=plan.file))
    for proposal in plan.proposals:
        lines.append(f"  {plan.file}:{proposal.line}: {proposal.id} ({proposal.name}) -> {proposal.path}")
        lines += [f"      {text}" for text in _fields(proposal.fields)]
        lines += ["      " + _("not imported: {what}").format(what=text) for text in proposal.left_out]
        lines += ["      " + _("warning: {what}").format(what=text) for text in proposal.warnings]
    if plan.refused:
        lines += ["", _("Refused ({count} rows):").format(count=len(plan.refused))]
        for refusal in plan.refused:
            who = f" ({refusal.name})" if refusal.name else ""
            lines += [f"  {plan.file}:{refusal.line}{who}: {reason}" for reason in refusal.reasons]
    if plan.warnings:
        lines += ["", _("Warnings:")] + [f"  {text}" for text in plan.warnings]
    lines.append("")
    if plan.blocked:
        lines.append(_("Nothing was written: {count} rows are refused. Fix them, or add --skip-invalid to import "
                       "the others.").format(count=len(plan.refused)))
    elif not plan.apply and plan.proposals:
        lines.append(_("This was a dry run; nothing was written. Add --apply to write these files."))
    elif plan.written:
        lines.append(_("Written; check and commit them: crmtool check records/people"))
    return "\n".join(lines) + "\n"


def _fields(fields: dict) -> list[str]:
    """The record's data, a field a line, as staff recognise it."""
    from ..domain.texts import full_name
    shown = []
    for key, value in fields.items():
        if key == "name":
            text = full_name(value)
        elif key == "purposes":
            text = ", ".join(f"{v['purpose']} ({_('source')} {v.get('source', '-')}, {_('since')} {v['since']})"
                             for v in value)
        elif key == "addresses":
            text = " | ".join(" ".join(str(v) for k, v in item.items() if k != "kind") for item in value)
        elif key in ("emails", "phones"):
            text = ", ".join(f"{item.get('address') or item.get('number')}" +
                             (f" ({item['kind']})" if item.get("kind") else "") for item in value)
        elif key == "notes":
            text = " | ".join(" ".join(str(item.get("text")).split()) for item in value)
        else:
            text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        shown.append(f"{key}: {text}")
    return shown


@click.command("export")
@click.argument("kind", type=EXPORT_KINDS)
@click.option("--purpose", metavar="PURPOSE", required=True,
              help="The purpose of the export: only people held for it, only data it covers.")
@click.option("--fields", metavar="a,b,c", default=None,
              help="Fields to write: id,name,email,phone,address,language,tags (default: all the purpose covers).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (all at once) instead of standard output; never under records/.")
@click.option("--on", "on", metavar="YYYY-MM-DD", default=None,
              help="The day the purpose label must hold (default: today, or CRMTOOL_TODAY).")
@root_option
def export(kind: str, purpose: str, fields: str | None, out: Path | None, on: str | None, root: Path | None) -> None:
    """Export the people held for a purpose as CSV (opens in Excel), vCard 4.0 or xlsx.

    Only people with a label for PURPOSE on the day, and only fields whose data category
    the purpose covers; asking for another field is an error naming the category. xlsx is
    a binary file: give --out, or send standard output to a file.
    """
    from ..load import load_model
    from ..exchange.exporting import RENDERERS, select, to_xlsx
    repo = resolve_repo(root)
    refuse_under_records(repo, out)
    if kind == "xlsx" and out is None and sys.stdout.isatty():
        raise click.UsageError(_("xlsx is a binary file: give --out FILE or send the output to a file."))
    day = resolve_today(None) if on is None else parse_day(on, "--on")
    model = load_model(repo, day)
    wanted = [f.strip() for f in fields.split(",") if f.strip()] if fields is not None else None
    selection = select(model, purpose, wanted, day)
    if selection.left_out:
        click.echo(ngettext("Left out: {count} person with a restriction or an objection in force",
                            "Left out: {count} people with a restriction or an objection in force",
                            selection.left_out).format(count=selection.left_out), err=True)
    if kind == "xlsx":
        data = to_xlsx(selection)
        if out is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        write_out(repo, out, data)
    else:
        text = RENDERERS[kind](selection)
        if out is None:
            click.echo(text, nl=False)
            return
        write_out(repo, out, text)
    click.echo(_("Written: {path} ({count} people)").format(path=out, count=len(selection.people)), err=True)
