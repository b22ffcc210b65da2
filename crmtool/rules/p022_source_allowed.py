"""P022: a person's purpose label records a source the purpose allows.

The register promises the public where data under each purpose comes from (the purpose's
`sources`, shown on the register site and in the Art. 30 record); a person's purpose label
says where this person's data came from (`source`). The organisation's own policy is that the
two agree: the cooperative, for instance, collects only from people who took a step towards it
(an order, a contact request, an event sign-up) and never from scraped social media. A label
without a source cannot be checked against that promise, nor against Art. 14 (P016 needs to
know whether the data came from the person), so it is an error too.

Every label is checked, also ended ones and ones that start later: as long as the label is in
the file, so is the data it justifies. Labels whose purpose does not exist are left to P002,
and labels whose purpose lists no `sources` to P019 (an incomplete register entry: there is
nothing to compare with yet). A source that is not in the vocabulary `sources` at all is
left to S005, which suggests the nearest value; the rule only judges known sources.

Passing (the purpose lists ``sources: [public-register]``)::

    purposes:
      - {purpose: office-holders, since: 2022-06-01, source: public-register}

Failing::

    purposes:
      - {purpose: office-holders, since: 2022-06-01}
      - {purpose: office-holders, since: 2022-06-01, source: self-registration}
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.policy import labels, purpose
from .base import RepoContext, Rule
from ..domain.texts import excerpt

RULE = Rule("P022", "error", N_("A person's purpose label must record a source the purpose allows"),
            "repository", "Art. 5(1)(a), 5(1)(b) (own policy)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    known = ctx.model.vocabulary("sources")
    for person in ctx.model.of("people"):
        for label in labels(person):
            allowed = _allowed_sources(ctx, label.purpose)
            if allowed is None:
                continue
            listing = ", ".join(allowed)
            if "source" not in label.data:
                yield RULE.finding(
                    person.path, ctx.at(person, ("purposes", label.index)),
                    _("The label for purpose '{purpose}' does not record where the data came from (`source`).").format(
                        purpose=excerpt(label.purpose)),
                    _("Add `source:` with where this person's data came from; the purpose allows: {allowed}.").format(
                        allowed=listing))
                continue
            source = label.data.get("source")
            if not isinstance(source, str) or source in allowed:
                continue  # not text: S001 reports it
            if known is not None and source not in known:
                continue  # not a source at all: S005 reports it
            yield RULE.finding(
                person.path, ctx.at(person, ("purposes", label.index, "source")),
                _("The source '{source}' is not one the purpose '{purpose}' allows ({allowed}).").format(
                    source=excerpt(source), purpose=excerpt(label.purpose), allowed=listing),
                _("Correct the source if it was recorded wrongly. If the data really came from '{source}', it may not "
                  "be held under this purpose: remove it, or change the purpose's `sources` (and so the public "
                  "register) first.").format(source=excerpt(source)))


def _allowed_sources(ctx: RepoContext, purpose_id: str) -> list[str] | None:
    """The purpose's `sources`, or None when the purpose is unknown (P002) or lists none (P019)."""
    record = purpose(ctx.model, purpose_id)
    sources = record.get("sources") if record else None
    if not isinstance(sources, list):
        return None
    allowed = [s for s in sources if isinstance(s, str)]
    return allowed or None
