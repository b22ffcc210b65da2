"""`python -m crmtool`, the same as the `crmtool` command."""
from .cli import main

main()
