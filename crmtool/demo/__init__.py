"""`crmtool demo`: a realistic synthetic records repository, for trying the tool and for
benchmarking it.

The association of municipalities of the example records, at any size: municipalities in
proportion to the number of people, roles across three election periods, requests, contact
moments, consents and subscriptions, all fictional people. The same (people, seed, today)
always gives the same bytes and the same git commit.
"""
from .generate import generate

__all__ = ["generate"]
