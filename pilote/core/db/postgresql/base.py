"""PostgreSQL, waiting a few seconds for the server when a new connection is refused.

A restarting PostgreSQL (`pg_ctlcluster … restart`, a fail-over, a server upgrade) refuses connections for a few
seconds. Without a wait, every request of those seconds opened its connection, failed and answered the 503
(bench/faults.py: 118 of them for a 3 s restart). Nothing has happened yet when a connection is being opened —
no query ran, nothing was written — so waiting for the server and then serving the request is safe for every
request, a POST included; a request whose connection was cut in the middle of its work still fails (in flight).

Only a refusal that passes is waited for: the server unreachable (refused, reset, timed out: libpq's own
message, no « FATAL » from a server) or answering that it is starting up, shutting down or recovering. psycopg
gives no SQLSTATE at connection time, so the server's message is read; a wrong password or database name (a
server's other FATAL) fails at once. The wait is bounded by `settings.PILOTE_DB_CONNECT_WAIT` seconds (0: no
wait), below gunicorn's worker timeout and the load balancer's.
"""

import logging
import time

from django.conf import settings
from django.db.backends.postgresql import base

logger = logging.getLogger("pilote.db")

# PostgreSQL's FATAL messages of 57P03 cannot_connect_now (English server messages; a server in another language
# gets the wait for refused connections only).
PASSING_FATALS = ("is starting up", "is shutting down", "in recovery mode", "not yet accepting connections")


def is_passing(error) -> bool:
    message = str(error)
    return "FATAL" not in message or any(text in message for text in PASSING_FATALS)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        wait = float(getattr(settings, "PILOTE_DB_CONNECT_WAIT", 0))
        deadline = time.monotonic() + wait
        pause = 0.1
        while True:
            try:
                return super().get_new_connection(conn_params)
            except self.Database.OperationalError as error:
                if not is_passing(error) or time.monotonic() + pause > deadline:
                    raise
                logger.warning("Base injoignable, nouvel essai dans %.1f s : %s", pause, error)
                time.sleep(pause)
                pause = min(pause * 2, 1.0)
