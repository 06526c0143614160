"""notes-api: a small notes API on Postgres with a Redis read cache."""
