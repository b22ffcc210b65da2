"""What happened to the records: history from git and the diff of a change."""
