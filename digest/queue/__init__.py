"""Work across hosts: a job queue in PostgreSQL (Procrastinate) that workers on any number of hosts
take jobs from, and a scheduler that any number of hosts may run.

- ``app``: the Procrastinate app, its schema, the queue's URL, and the runtime a worker's jobs share.
- ``tasks``: what a job does: fetch one source (``fetch_source``), queue the sources that are due
  (``enqueue_due_sources``), send one edition's bulletin (``push_edition``); and deferring them.
- ``schedule``: the editions' cron expressions, in the configured zone, deferred once per tick.
- ``worker``: ``digest worker``'s loop (continuous or ``--burst``), stalled jobs taken over,
  signals turned into a clean stop.

Guarantees, and what gives each: a source is fetched by one worker at a time (a Procrastinate
lock per source) and queued at most once (its queueing lock); it is not fetched again before its
interval (the job reads the source's last fetch in the store before fetching); a bulletin is
deferred once per scheduled time however many schedulers run (Procrastinate's unique constraint
on the periodic id and timestamp) and sent by one push at a time (a lock shared by all push jobs);
a part is sent at most once (the outbox's conditional claim); a worker that dies loses its jobs
to the next worker that finds its heartbeat stale.
"""

from digest.errors import DigestError

try:
    import procrastinate  # noqa: F401  (only to tell a missing extra from a bug)
except ImportError as error:
    raise DigestError(
        f"the job queue needs Procrastinate and psycopg ({error.msg})",
        hint="pip install 'digest[postgresql]'",
    ) from None
