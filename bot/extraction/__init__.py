"""Claim extraction: turn an article into check-worthy claims."""
