"""Wiring: settings, the application factory, the CLI, runner, webhook and the update store pump."""
