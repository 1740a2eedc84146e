"""Log lines that say which request and which user they belong to.

`RequestIdMiddleware` gives every request an id — the load balancer's `X-Request-ID` when it sent a sane one
(HAProxy in `make cluster` does), else a new one — returns it in the response's `X-Request-ID` header and keeps
the request in a context variable for the time of the request. `RequestContextFilter` writes `request_id` and
`user` on every record logged meanwhile (« - » outside a request: workers, commands). In production the lines
are JSON objects, one per line (`JsonFormatter`), which log collectors read without a parser of their own; with
DJANGO_DEBUG a plain line.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid

_request = contextvars.ContextVar("pilote_request", default=None)
SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")  # HAProxy's unique-id-format (bench/cluster.sh) fits


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if SANE_ID.match(given) else uuid.uuid4().hex
        token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


def _user(request) -> str:
    user = getattr(request, "_cached_user", None)  # set once authentication ran: never a query from a log call
    return user.get_username() if user is not None and user.is_authenticated else "-"


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = _request.get()
        record.request_id = getattr(request, "request_id", "-") if request is not None else "-"
        record.user = _user(request) if request is not None else "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, user, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "user": getattr(record, "user", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
