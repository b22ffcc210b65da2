"""The check: every rule over the model, the check of a change, its cache, waivers and the review."""
