"""Supervisor services: review queue, overrides, shift statistics and reports."""
