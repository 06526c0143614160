from __future__ import annotations

import json
import logging

from app.logs import JsonFormatter


def test_records_become_one_json_object_with_extra_fields() -> None:
    record = logging.makeLogRecord({"name": "notes", "levelname": "INFO", "msg": "note %s", "args": (3,)})
    record.note_id = 3
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "note 3"
    assert entry["note_id"] == 3
    assert entry["level"] == "info"


def test_uvicorn_access_records_are_structured() -> None:
    record = logging.makeLogRecord(
        {
            "name": "uvicorn.access",
            "levelname": "INFO",
            "msg": '%s - "%s %s HTTP/%s" %d',
            "args": ("127.0.0.1:5000", "GET", "/healthz", "1.1", 200),
        }
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry | {"ts": None} == {
        "ts": None,
        "level": "info",
        "logger": "uvicorn.access",
        "message": "request",
        "client": "127.0.0.1:5000",
        "method": "GET",
        "path": "/healthz",
        "status": 200,
    }
