"""Matching: pure similarity rules (matching.py), lookups and accept/decline (service.py)."""
