"""Git: one runner for every git call, blob hashes and what a change touched."""
