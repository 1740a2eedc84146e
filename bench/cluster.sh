#!/usr/bin/env bash
# `make cluster` / `make cluster-stop`: Pilote on PostgreSQL as two gunicorn application servers behind HAProxy
# (Debian's package), two background workers and one scheduler, all on this machine; state in var/cluster/.
#   bench/cluster.sh start   → http://127.0.0.1:8100 (servers on 8101 and 8102, health-checked on /sante/)
#   bench/cluster.sh stop    → stops every process it started (TERM, then KILL after 10 s)
#   bench/cluster.sh status
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=var/cluster
PY=.venv/bin/python
PG_URL=${CLUSTER_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/pilote_cluster}
PORT=${CLUSTER_PORT:-8100}
export DATABASE_URL=$PG_URL PILOTE_PRIVATE_ROOT=${PILOTE_PRIVATE_ROOT:-$PWD/$DIR/private}
export PILOTE_MEDIA_ROOT=${PILOTE_MEDIA_ROOT:-$PWD/$DIR/media}

start_one() {  # name, command…
  local name=$1; shift
  nohup "$@" >"$DIR/$name.log" 2>&1 &
  echo $! >"$DIR/$name.pid"
}

alive() { [ -f "$DIR/$1.pid" ] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

case "${1:-start}" in
start)
  mkdir -p "$DIR"
  if alive haproxy && alive server1 && alive server2; then
    echo "Pilote (cluster) déjà en marche : http://127.0.0.1:$PORT"; exit 0
  fi
  if ! command -v haproxy >/dev/null; then
    echo "HAProxy manque : apt-get install haproxy (paquet Debian)"; exit 1
  fi
  db=${PG_URL##*/}
  psql "${PG_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
    || psql "${PG_URL%/*}/postgres" -qc "CREATE DATABASE $db"
  $PY manage.py migrate --noinput -v0
  $PY manage.py load_demo --if-empty
  for n in 1 2; do
    start_one "server$n" .venv/bin/gunicorn pilote.wsgi --bind "127.0.0.1:$((PORT + n))" --workers 2 --threads 4 \
      --access-logfile - --graceful-timeout 10
    start_one "worker$n" $PY manage.py db_worker --interval 1 --worker-id "cluster-worker-$n"
  done
  start_one scheduler $PY manage.py run_schedules --loop
  # HAProxy's own answer when no server is up (both stopped, or both failing their health check): French, as
  # Pilote's own 503 (core.errors), not HAProxy's English page.
  printf '%s\r\n' 'HTTP/1.0 503 Service Unavailable' 'Cache-Control: no-cache' 'Connection: close' \
    'Content-Type: text/html; charset=utf-8' 'Retry-After: 5' '' >"$DIR/503.http"
  cat >>"$DIR/503.http" <<'HTML'
<!doctype html><html lang="fr"><meta charset="utf-8"><title>Service momentanément indisponible</title>
<h1>Service momentanément indisponible</h1><p>Rien n'a été enregistré, réessayez dans un instant.</p></html>
HTML
  cat >"$DIR/haproxy.cfg" <<CFG
global
  maxconn 2000
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  retries 2
  option redispatch
  # A request whose server died under it (connection reset before any answer) is sent again to the other
  # server — only when it changes nothing: a POST in flight fails, as it must. So is a reading whose query was cut
  # by a PostgreSQL restart (Pilote's 503 with Retry-After): its new connection waits for the server (core/db).
  retry-on conn-failure empty-response 503
  # A busy server answers its health check late, not never: 5 s and three misses before it is taken out (a dead
  # one refuses the connection at once, and its requests are re-sent to the other server: redispatch).
  timeout check 5s
  errorfile 503 $PWD/$DIR/503.http
frontend pilote
  bind 127.0.0.1:$PORT
  # One id per request, passed to the servers (their log lines carry it: pilote/core/logs.py).
  unique-id-format %{+X}o%ci:%cp_%fi:%fp_%Ts_%rt:%pid
  http-request set-header X-Request-ID %[unique-id]
  default_backend servers
backend servers
  balance roundrobin
  http-request disable-l7-retry if METH_POST
  option httpchk GET /sante/
  http-check expect status 200
  default-server inter 1s fall 3 rise 2
  server server1 127.0.0.1:$((PORT + 1)) check
  server server2 127.0.0.1:$((PORT + 2)) check
CFG
  start_one haproxy haproxy -db -f "$DIR/haproxy.cfg"
  for _ in $(seq 1 600); do  # gunicorn boots in seconds; minutes on a loaded machine
    # Both servers answering on their own port, then through HAProxy: a first answer from one server alone is not
    # a started cluster (the other may still be importing, and a cold first check can time out).
    curl -fs "http://127.0.0.1:$((PORT + 1))/sante/" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$((PORT + 2))/sante/" \
      >/dev/null 2>&1 && sleep 3 && curl -fs "http://127.0.0.1:$PORT/sante/" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:$PORT/sante/" >/dev/null && echo "Pilote (cluster) : http://127.0.0.1:$PORT — arrêt : make cluster-stop"
  ;;
stop)
  for f in "$DIR"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f"); kill "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 20); do
    left=0
    for f in "$DIR"/*.pid; do [ -e "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && left=1; done
    [ $left = 0 ] && break
    sleep 0.5
  done
  for f in "$DIR"/*.pid; do [ -e "$f" ] && { kill -9 "$(cat "$f")" 2>/dev/null || true; rm -f "$f"; }; done
  echo "Cluster arrêté."
  ;;
status)
  for name in haproxy server1 server2 worker1 worker2 scheduler; do
    if alive "$name"; then echo "$name : en marche (pid $(cat "$DIR/$name.pid"))"; else echo "$name : arrêté"; fi
  done
  ;;
*) echo "usage: $0 start|stop|status"; exit 2 ;;
esac
