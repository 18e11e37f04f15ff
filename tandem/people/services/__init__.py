"""Writes for organization admins: members, departments, imports, sign-on, erasure."""
