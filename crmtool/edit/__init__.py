"""The commands that write records: plan, verify with the check, write atomically."""
