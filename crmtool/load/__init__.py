"""Files to a model: the YAML loader, the schemas, the repository on disk and the loaded records."""
