"""Scheduled sweeps over households (being built)."""
