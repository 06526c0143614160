"""dockwright: production-grade container setups for Python web apps, proven on a real engine."""

__version__ = "0.1.0"
