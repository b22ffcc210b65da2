"""What several places judge: durations, ids, purposes, retention, deadlines, pipeline, routing."""
