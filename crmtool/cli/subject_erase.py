"""`crmtool subject erase / anonymise / verify-erased`: the right to erasure (Art. 17)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..i18n import N_, _
from ..domain.texts import labelled
from .options import format_option, resolve_repo, resolve_today, root_option, today_option


ACTIONS = {"deleted": N_("deleted"), "changed": N_("changed"), "created": N_("created")}
WHAT = {"person": N_("person"), "role": N_("role"), "interaction": N_("interaction"), "request": N_("request"),
        "erasure request": N_("erasure request"), "log": N_("log"), "organisation": N_("organisation"),
        "purpose": N_("purpose"), "processor": N_("processor"), "list": N_("list"), "staff": N_("colleague"),
        "breache": N_("breach"), "field": N_("field"), "vocabularie": N_("vocabulary")}
"""The words of an erase summary line: the core names actions and record kinds by code."""


@click.command("erase")
@click.argument("person")
@click.option("--request", "request", metavar="REQ", default=None,
              help="The erasure request (records/requests/) to close as granted in the same change.")
@click.option("--by", "by", metavar="STAFF", default=None,
              help="Who closes the request (staff id); required with --request.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--purge-history", is_flag=True,
              help="After the erasure is committed: remove the person from every commit with git-filter-repo.")
@root_option
@today_option
@format_option("text", "json")
def erase(person: str, request: str | None, by: str | None, dry_run: bool, purge_history: bool,
          root: Path | None, today: str | None, output_format: str) -> None:
    """Erase PERSON: their file and roles, their id and name in every other record, in one change.

    Interactions and requests stay without the person; the erasure log gets an entry with
    salted hashes only; the index and a built register are refreshed. Commit the result, then
    run again with --purge-history to remove the person from the git history.
    """
    from ..load.atomic import AtomicError
    from ..subject.erase import Refused
    from ..subject.erase import erase as compute
    repo = resolve_repo(root)
    try:
        if purge_history:
            from ..subject.purge import purge_history as purge
            click.echo(render_purge(purge(repo, person)), nl=False)
            return
        outcome = compute(repo, person, resolve_today(today), request=request, by=by, dry_run=dry_run)
    except (Refused, AtomicError) as error:
        raise click.ClickException(str(error)) from error
    _show(outcome, output_format)


@click.command("anonymise")
@click.argument("person")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@root_option
@today_option
@format_option("text", "json")
def anonymise(person: str, dry_run: bool, root: Path | None, today: str | None, output_format: str) -> None:
    """Anonymise PERSON: like erase, but roles stay (holder: anonymous), so counts stay the same."""
    from ..load.atomic import AtomicError
    from ..subject.anonymise import anonymise as compute
    from ..subject.erase import Refused
    repo = resolve_repo(root)
    try:
        outcome = compute(repo, person, resolve_today(today), dry_run=dry_run)
    except (Refused, AtomicError) as error:
        raise click.ClickException(str(error)) from error
    _show(outcome, output_format)


@click.command("verify-erased")
@click.argument("person_or_hash", metavar="PERSON-OR-HASH")
@click.option("--history", is_flag=True,
              help="Also search every object in git: every blob, path, commit and tag message, author and ref name.")
@root_option
def verify_erased(person_or_hash: str, history: bool, root: Path | None) -> None:
    """Search the work tree and its paths, the index and the built register (with --history:
    every blob, path, commit and tag message of the history) for PERSON's id and aliases,
    email addresses, phone numbers and name; exit 1 naming each place found (never the value)."""
    from ..subject.verify import verify
    repo = resolve_repo(root)
    places = verify(repo, person_or_hash, history=history)
    if not places:
        where = _("the work tree and its history") if history else _("the work tree")
        click.echo(_("Clean: no identifier of {person} found in {where}.").format(person=person_or_hash, where=where))
        return
    for place in places:
        click.echo(place.message())
    click.echo(_("Places that still hold an identifier of {person}: {count}.").format(
        count=len(places), person=person_or_hash), err=True)
    raise SystemExit(1)  # not ctx.exit: a SystemExit leaves the process with its code whatever main() does


def _show(outcome, output_format: str) -> None:
    if output_format == "json":
        click.echo(json.dumps(outcome.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(outcome), nl=False)


def render_text(outcome) -> str:
    """What changed (or would change): each file, then the counts and the derived copies."""
    who = labelled(outcome.person, outcome.name)
    lines = []
    if outcome.recovered:
        lines.append(_("An earlier change was interrupted; it was rolled back first ({count} files restored).").format(
            count=len(outcome.recovered)))
    if outcome.mode == "erase":
        heading = _("Would erase {person}:") if outcome.dry_run else _("Erased {person}:")
    else:
        heading = _("Would anonymise {person}:") if outcome.dry_run else _("Anonymised {person}:")
    if outcome.legal_obligation:  # Art. 17(3)(b): said first, in a dry run too
        lines.append(_("Warning: {person} holds a label for {purposes}, which rests on a legal obligation; the right "
                       "to erasure does not apply to data the law requires us to keep (Art. 17(3)(b)). Check this "
                       "before you commit.").format(person=outcome.person,
                                                    purposes=", ".join(outcome.legal_obligation)))
    lines.append(heading.format(person=who))
    width = max([len(_(ACTIONS.get(c.action, c.action))) for c in outcome.changes] or [0]) + 1
    for change in outcome.changes:
        action = _(ACTIONS.get(change.action, change.action)).ljust(width)
        what = _(WHAT[change.what]) if change.what in WHAT else change.what
        detail = f"  {action} {change.path} ({what}"
        if change.redacted:
            detail += ", " + _("{count} texts replaced by [removed]").format(count=change.redacted)
        lines.append(detail + ")")
    lines.append(_("{roles} roles deleted, {kept} roles kept anonymous, {interactions} interactions and "
                   "{requests} requests changed.").format(
        roles=outcome.count("role", "deleted"), kept=outcome.count("role", "changed") if outcome.mode != "erase" else 0,
        interactions=outcome.count("interaction"), requests=outcome.count("request")))
    if outcome.recipients:
        lines.append(_("These received the person's data; tell each of them (Art. 17(2), 19):"))
        kinds = {"processor": _("processor"), "recipient": _("recipient")}
        lines += [f"  {kinds.get(r.kind, r.kind)}: {r.name} ({', '.join(r.purposes)})" for r in outcome.recipients]
    if outcome.request:
        lines.append(_("Request {request} closed as granted on {day}.").format(request=outcome.request,
                                                                               day=outcome.day.isoformat()))
    if not outcome.dry_run:
        if outcome.index:
            lines.append(_("Index: refreshed."))
        if outcome.site:
            lines.append(_("Register (build/site): {state}.").format(state=outcome.site))
        lines.append(_("Next: commit this change, then run crmtool subject erase {person} --purge-history.").format(
            person=outcome.person) if outcome.mode == "erase" else _("Next: commit this change."))
    else:
        lines.append(_("Nothing was written (--dry-run)."))
    return "\n".join(lines) + "\n"


def render_purge(purged) -> str:
    lines = [_("Removed {person} from every commit:").format(person=purged.person)]
    lines += [f"  {path}" for path in purged.removed_paths]
    if purged.generated:
        lines.append(_("{count} generated files (build/) and writer backups removed from every commit.").format(
            count=purged.generated))
    if purged.renamed:
        lines.append(_("{count} paths that held an identifier renamed in every commit.").format(
            count=len(purged.renamed)))
    lines.append(_("The id, aliases, email addresses, phone numbers and name were replaced in every other file, "
                   "commit message and tag message."))
    lines += ["", _("Now, by hand:")]
    lines += [f"  {number}. {step}" for number, step in enumerate(purged.steps, start=1)]
    return "\n".join(lines) + "\n"
