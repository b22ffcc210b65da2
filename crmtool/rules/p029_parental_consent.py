"""P029: a consent given by a child under the digital consent age needs a parental consent.

Where consent is the legal basis for an information society service offered directly to a
child, Art. 8(1) makes the child's consent lawful only from the digital consent age; below it,
the holder of parental responsibility must give or authorise it, and the controller must be
able to show that (Art. 7(1), 8(2)). The age is `digital_consent_age` in crmtool.yaml, else the
controller's country's (Netherlands 16, Belgium 13), else the GDPR's 16
(`domain/children.py`).

For a person with a `birth_date`, every consent whose `given` date lies before the day the
person reached that age must carry `parental_consent: {by, date}` (who gave it, as their
relation to the child, and when). The finding is on the consent and names neither the date of
birth nor the age of the person. A person without a date of birth is not judged: record it
where a purpose may have children among its data subjects.

Passing (controller in Belgium, age 13)::

    birth_date: 2013-03-14
    consents:
      - {purpose: projects, given: 2025-09-01, channel: paper-form,
         parental_consent: {by: parent, date: 2025-08-28}}

Failing::

    birth_date: 2013-03-14
    consents:
      - {purpose: projects, given: 2025-09-01, channel: paper-form}
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import parse_date
from ..domain.children import digital_consent_age, under_age
from .base import RepoContext, Rule

RULE = Rule("P029", "error", N_("A consent given under the digital consent age needs a parental consent"),
            "record", "Art. 8(1)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    age = digital_consent_age(ctx.model.config)
    for person in ctx.model.of("people"):
        born = parse_date(person.get("birth_date"))
        consents = person.get("consents")
        if born is None or not isinstance(consents, list):
            continue
        for index, consent in enumerate(consents):
            if not isinstance(consent, dict):
                continue  # S001
            given = parse_date(consent.get("given"))
            if given is None or not under_age(born, age, given) or isinstance(consent.get("parental_consent"), dict):
                continue
            yield RULE.finding(
                person.path, ctx.at(person, ("consents", index)),
                _("This consent to '{purpose}' was given before the person reached the digital consent age "
                  "({age}), and records no parental consent.").format(purpose=consent.get("purpose"), age=age),
                _("Ask a parent or guardian for consent and record it on the consent under `parental_consent`, "
                  "with `by` (their relation to the child, such as parent, not their name) and `date`; until "
                  "then, do not use the data for this purpose."))
