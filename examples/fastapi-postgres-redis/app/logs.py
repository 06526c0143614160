"""JSON logs, one object per line on stdout, for the app and for uvicorn's own loggers."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

# Fields every LogRecord has; anything else was passed with ``extra=`` and is emitted as a field.
# uvicorn's ``color_message`` (the message with ANSI colours) would only duplicate ``message``.
_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"color_message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            # uvicorn passes (client, method, path, http_version, status) as the message arguments.
            client, method, path, _version, status = record.args
            entry.update(message="request", client=client, method=method, path=path, status=status)
        else:
            entry["message"] = record.getMessage()
        entry.update({k: v for k, v in vars(record).items() if k not in _RECORD_FIELDS and k != "message"})
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def setup_logging(level: str = "INFO") -> None:
    """Send every log record, uvicorn's included, through one JSON handler on stdout."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
