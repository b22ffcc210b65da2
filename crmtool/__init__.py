"""crmtool: a CRM that lives in git, checked against the GDPR on every change."""

__version__ = "0.1.0"
