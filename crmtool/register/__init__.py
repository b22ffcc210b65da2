"""The public transparency register (`crmtool build`): a static site, in Dutch and English,
compiled from the purpose and processor records the check enforces, and checked for personal
data before it is published (`scan.py`)."""
