"""The roles a person can hold; a module of its own so that the CLI can name
them without importing the review settings (and, through them, the config)."""

ROLES = ("reviewer", "approver", "operator", "auditor", "admin")
