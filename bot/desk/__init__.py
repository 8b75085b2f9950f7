"""The desk: workflow rules (pure), the desk service, read models, export, membership and budget."""
