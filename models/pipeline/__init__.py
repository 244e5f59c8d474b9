"""Linesman customer-emotion model pipeline (data preparation, later training/export)."""
