"""A clear "try again" page when the database goes away during a request.

A lost connection (PostgreSQL restarting, a failover, a network blip) or a database that stays
locked surfaces as `OperationalError` or `InterfaceError`. Every write the view made was inside
a transaction that has now rolled back, so the honest answer is: nothing was saved, try again.
The person gets a 503 with `Retry-After` instead of a server error page; a retry then runs on a
fresh connection, because Django discards an unusable connection when the request finishes."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection in a view into the friendly 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        # The path and the kind of failure only: the error's text can quote a query's values.
        logger.error(
            "database unavailable during %s %s: %s",
            request.method,
            request.path,
            type(exception).__name__,
        )
        return database_unavailable_response()


def database_unavailable_response() -> HttpResponse:
    # Rendered without the request: context processors (navigation, site settings) query the
    # database that has just gone away.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
