"""`crmtool merge`: two records of one person or organisation become one, in one change."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..i18n import _
from ..domain.texts import labelled
from .options import format_option, resolve_repo, resolve_today, root_option, today_option
from .output import changed, interrupted, show


@click.command("merge")
@click.argument("keep")
@click.argument("duplicate")
@click.option("--prefer", type=click.Choice(["keep", "duplicate"]), default="keep", show_default=True,
              help="Whose value a conflict takes: the kept record's, or the duplicate's.")
@click.option("--take", "take", multiple=True, metavar="FIELD",
              help="Take this field's value from the duplicate where the two differ (repeatable; "
                   "e.g. owner, name, fields.inwoners).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@root_option
@today_option
@format_option("text", "json")
def merge(keep: str, duplicate: str, prefer: str, take: tuple[str, ...], dry_run: bool, root: Path | None,
          today: str | None, output_format: str) -> None:
    """Merge DUPLICATE into KEEP: two people, or two organisations, that are one.

    Lists (email addresses, phone numbers, purpose labels, consents, tags, notes, ...) are
    united; where the two records hold a different value for one field, the kept record's
    value stays unless --prefer duplicate or --take FIELD says otherwise, and every such
    conflict is shown. Every reference to DUPLICATE in other records is re-pointed to KEEP,
    DUPLICATE's id is kept in KEEP's aliases (old references still resolve), and DUPLICATE's
    file is deleted. All files are written at once, or none; comments stay.
    """
    from ..edit.merge import merge as compute
    day = resolve_today(today)
    outcome = changed(lambda: compute(resolve_repo(root), keep, duplicate, day, prefer=prefer, take=take,
                                      dry_run=dry_run))
    show(outcome, output_format, render_text)



def _shown(value) -> str:
    """A value as staff typed it: a list or map in YAML's flow style."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False) if value is None or isinstance(value, bool) else str(value)


def render_text(outcome) -> str:
    """What was combined, the conflicts and how they were settled, every file changed."""
    from ..edit.merge_fields import plain
    lines = interrupted(outcome)
    heading = _("Would merge {duplicate} into {keep}.") if outcome.dry_run else _("Merged {duplicate} into {keep}.")
    lines.append(heading.format(duplicate=labelled(outcome.duplicate, outcome.duplicate_name),
                                keep=labelled(outcome.keep, outcome.keep_name)))
    lines += ["", _("Taken over from the duplicate:")]
    if outcome.added:
        lines += [f"  {name}: " + "; ".join(_shown(plain(v)) for v in values) for name, values in outcome.added.items()]
    else:
        lines.append("  " + _("nothing (the kept record already held all of it)"))
    lines += ["", _("Conflicts (the two records differ):")]
    if outcome.conflicts:
        for conflict in outcome.conflicts:
            lines.append(f"  {conflict.field}:")
            lines.append("    " + _("kept:      {value}").format(value=_shown(conflict.kept)))
            lines.append("    " + _("duplicate: {value}").format(value=_shown(conflict.duplicate)))
            taken = _("took the duplicate's value") if conflict.taken == "duplicate" else _(
                "kept the kept record's value (use --take {field} for the duplicate's)").format(field=conflict.field)
            lines.append(f"    -> {taken}")
    else:
        lines.append("  " + _("none"))
    lines += ["", _("Aliases of {keep}: {aliases}").format(keep=outcome.keep, aliases=", ".join(outcome.aliases))]
    lines.append(_("References re-pointed: {count}").format(count=outcome.references))
    lines += ["", _("Would write:") if outcome.dry_run else _("Written:")]
    for change in outcome.changes:
        if change.action == "deleted":
            detail = _("deleted")
        elif change.what == "merged record":
            detail = _("merged record")
        else:
            detail = _("references re-pointed: {count}").format(count=change.references)
        lines.append(f"  {change.path} ({detail})")
    return "\n".join(lines) + "\n"
