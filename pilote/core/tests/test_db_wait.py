"""A new PostgreSQL connection refused while the server restarts is waited for, a bounded time; a refusal that
will not pass (wrong database, wrong password) fails at once (pilote/core/db/postgresql)."""

from unittest import mock

import psycopg
import pytest
from django.db import connection, connections
from django.test import override_settings

from pilote.core.db.postgresql import base as waiting

REFUSED = psycopg.OperationalError("connection failed: Connection refused")  # no SQLSTATE: nobody listens
# psycopg's words at connection time (no SQLSTATE then), as read on PostgreSQL 15.
SERVER = 'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
STARTING = psycopg.OperationalError(SERVER + "FATAL:  the database system is starting up")
NO_DATABASE = psycopg.OperationalError(SERVER + 'FATAL:  database "pilote" does not exist')


def _wrapper():
    return waiting.DatabaseWrapper({"NAME": "pilote", "OPTIONS": {}, "TIME_ZONE": None}, alias="wait-test")


def _connect(outcomes, wait):
    pauses = []
    clock = [1000.0]

    def sleep(seconds):
        pauses.append(seconds)
        clock[0] += seconds

    with (
        override_settings(PILOTE_DB_CONNECT_WAIT=wait),
        mock.patch.object(waiting.base.DatabaseWrapper, "get_new_connection", side_effect=outcomes) as parent,
        mock.patch.object(waiting.time, "sleep", side_effect=sleep),
        mock.patch.object(waiting.time, "monotonic", side_effect=lambda: clock[0]),
    ):
        try:
            result = _wrapper().get_new_connection({})
        except psycopg.OperationalError as error:
            result = error
    return result, parent.call_count, pauses


def test_a_restarting_server_is_waited_for_then_the_connection_is_made():
    made = object()
    result, attempts, pauses = _connect([REFUSED, STARTING, REFUSED, made], wait=10)
    assert result is made
    assert attempts == 4
    assert pauses == [0.1, 0.2, 0.4]  # backing off, so a long outage costs a few attempts a second


def test_the_wait_is_bounded():
    result, attempts, pauses = _connect([REFUSED] * 100, wait=3)
    assert result is REFUSED
    assert sum(pauses) <= 3
    assert attempts == len(pauses) + 1 and attempts > 3


def test_a_refusal_that_will_not_pass_fails_at_once():
    result, attempts, pauses = _connect([NO_DATABASE, object()], wait=10)
    assert result is NO_DATABASE
    assert (attempts, pauses) == (1, [])


def test_no_wait_when_it_is_zero():
    result, attempts, _ = _connect([REFUSED, object()], wait=0)
    assert result is REFUSED and attempts == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend")
def test_postgresql_runs_on_the_waiting_backend():
    assert connection.settings_dict["ENGINE"] == "pilote.core.db.postgresql"
    assert isinstance(connections["default"], waiting.DatabaseWrapper)
