"""HTTP API: CRUD on notes, a Redis read cache, a dependency-checking health endpoint.

Run with ``uvicorn app.main:app``. Configuration comes from the environment (see app/config.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.cache import NoteCache
from app.config import Settings
from app.db import Note, make_engine, make_session_factory
from app.logs import setup_logging
from app.schemas import NoteIn, NoteOut

log = logging.getLogger("notes")

# /slow never sleeps longer than this, so it cannot hold a worker hostage.
SLOW_MAX_SECONDS = 30.0


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_cache(request: Request) -> NoteCache:
    cache: NoteCache = request.app.state.cache
    return cache


# Module level: FastAPI resolves these (string) annotations in the module's namespace.
SessionDep = Annotated[Session, Depends(get_session)]
CacheDep = Annotated[NoteCache, Depends(get_cache)]


def create_app(settings: Settings | None = None, *, redis_client: Redis | None = None) -> FastAPI:
    """Build the application. ``settings`` default to the environment, read at startup."""
    # Now, not at startup: uvicorn logs "Started server process" between import and lifespan.
    setup_logging(settings.log_level if settings else os.environ.get("LOG_LEVEL", "INFO").upper())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        conf = settings or Settings.from_env()
        engine = make_engine(conf.database_url)
        client = redis_client or Redis.from_url(conf.redis_url, socket_timeout=2, socket_connect_timeout=2)
        app.state.sessions = make_session_factory(engine)
        app.state.redis = client
        app.state.cache = NoteCache(client, conf.cache_ttl_seconds)
        log.info("started", extra={"cache_ttl_seconds": conf.cache_ttl_seconds})
        try:
            yield
        finally:
            engine.dispose()
            if redis_client is None:
                client.close()
            log.info("stopped")

    app = FastAPI(title="notes-api", version="1.0.0", lifespan=lifespan)

    def note_or_404(session: Session, note_id: int) -> Note:
        note = session.get(Note, note_id)
        if note is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"note {note_id} not found")
        return note

    @app.get("/healthz")
    def healthz(request: Request) -> JSONResponse:
        """Readiness of this instance: both Postgres and Redis answer. 503 names what failed."""
        checks: dict[str, str] = {}
        try:
            with request.app.state.sessions() as session:
                session.execute(text("SELECT 1"))
            checks["postgres"] = "ok"
        except SQLAlchemyError as err:
            checks["postgres"] = f"error: {type(err).__name__}"
        try:
            request.app.state.redis.ping()
            checks["redis"] = "ok"
        except RedisError as err:
            checks["redis"] = f"error: {type(err).__name__}"
        healthy = all(value == "ok" for value in checks.values())
        if not healthy:
            log.warning("unhealthy", extra={"checks": checks})
        return JSONResponse(
            {"status": "ok" if healthy else "unavailable", "checks": checks},
            status_code=200 if healthy else 503,
        )

    @app.get("/notes", response_model=list[NoteOut])
    def list_notes(session: SessionDep, limit: Annotated[int, Query(ge=1, le=100)] = 20) -> list[Note]:
        return list(session.scalars(select(Note).order_by(Note.id.desc()).limit(limit)))

    @app.post("/notes", response_model=NoteOut, status_code=status.HTTP_201_CREATED)
    def create_note(payload: NoteIn, session: SessionDep) -> Note:
        note = Note(title=payload.title, body=payload.body)
        session.add(note)
        session.commit()
        session.refresh(note)
        log.info("note created", extra={"note_id": note.id})
        return note

    @app.get("/notes/{note_id}", response_model=NoteOut)
    def read_note(note_id: int, session: SessionDep, cache: CacheDep, response: Response) -> Any:
        # The cache is an optimisation: when Redis fails, reads still come from Postgres ("bypass").
        try:
            cached = cache.get(note_id)
        except RedisError as err:
            log.warning("cache unavailable", extra={"error": type(err).__name__})
            response.headers["X-Cache"] = "bypass"
            return note_or_404(session, note_id)
        if cached is not None:
            response.headers["X-Cache"] = "hit"
            return cached
        note = note_or_404(session, note_id)
        body = NoteOut.model_validate(note).model_dump(mode="json")
        cache.put(note_id, body)
        response.headers["X-Cache"] = "miss"
        return body

    @app.put("/notes/{note_id}", response_model=NoteOut)
    def update_note(note_id: int, payload: NoteIn, session: SessionDep, cache: CacheDep) -> Note:
        note = note_or_404(session, note_id)
        note.title, note.body = payload.title, payload.body
        session.commit()
        session.refresh(note)
        # If this fails the write still stands; the stale copy expires with its TTL.
        cache.forget(note_id)
        return note

    @app.delete("/notes/{note_id}", status_code=status.HTTP_204_NO_CONTENT)
    def delete_note(note_id: int, session: SessionDep, cache: CacheDep) -> None:
        session.delete(note_or_404(session, note_id))
        session.commit()
        cache.forget(note_id)

    @app.get("/slow")
    async def slow(seconds: Annotated[float, Query(ge=0, le=SLOW_MAX_SECONDS)] = 2.0) -> dict[str, float]:
        """Answer after ``seconds``: a request that is still in flight when the container gets SIGTERM.

        ``dockwright verify`` uses it to prove graceful shutdown: the server must finish this
        request with 200 before it exits. It touches no dependency, so it also works in isolation.
        """
        await asyncio.sleep(seconds)
        return {"slept": seconds}

    return app


app = create_app()
