"""Rule families, one module each; ``dockwright.lint.registry.all_rules`` imports them."""
