"""Rahnuma: a pre-migration guide for people leaving Pakistan for work abroad."""

__version__ = "0.1.0"
