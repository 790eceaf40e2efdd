"""Notifications: creation in bulk, the daily e-mail digest (being built)."""
