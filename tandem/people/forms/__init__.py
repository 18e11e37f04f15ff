"""Forms of the organization admins' pages."""
