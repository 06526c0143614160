"""``dockwright verify``: prove an image on a real engine (checks catalogue in verify.model)."""
