#!/bin/sh
# Stand-in entrypoint (offline machine): like the official image, flags alone go to redis-server,
# and the server listens on all interfaces without protected mode (the compose network isolates it).
set -eu
case "${1:-}" in -*) set -- redis-server "$@" ;; esac
if [ "${1:-}" = "redis-server" ]; then
  shift
  chown -R redis:redis /data
  # setpriv execs redis-server itself (runuser would stay PID 1 and swallow SIGTERM).
  exec setpriv --reuid=redis --regid=redis --init-groups redis-server --bind 0.0.0.0 --protected-mode no --dir /data "$@"
fi
exec "$@"
