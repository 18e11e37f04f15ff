"""Tables of the organization admins' pages."""
