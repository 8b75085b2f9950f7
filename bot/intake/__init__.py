"""Intake: a submission becomes an article, fetched (web/) and extracted (bot/extraction/)."""
