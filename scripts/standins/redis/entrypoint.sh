#!/bin/sh
# Stand-in entrypoint (offline machine): like the official image, flags alone go to redis-server,
# and the server listens on all interfaces without protected mode (the compose network isolates it).
set -eu
case "${1:-}" in -*) set -- redis-server "$@" ;; esac
if [ "${1:-}" = "redis-server" ]; then
  shift
  chown -R redis:redis /data
  exec runuser -u redis -- redis-server --bind 0.0.0.0 --protected-mode no --dir /data "$@"
fi
exec "$@"
