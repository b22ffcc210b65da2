"""`python -m crmtool`, the same as the `crmtool` command."""
from .cli import main

if __name__ == "__main__":  # a spawned worker imports this module again: it must not run a command
    main()
