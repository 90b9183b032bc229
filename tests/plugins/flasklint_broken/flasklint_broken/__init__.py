"""Broken flasklint plugins, one per module, each declared by its own entry point."""
