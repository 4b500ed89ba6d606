"""``python -m digest``, and the ``digest`` console script's entry point (``run``)."""

# A parse worker is started with ``spawn``: it runs the main script of the command again, as
# ``__mp_main__``, before its first job.  The console script's one import is this module, so the
# CLI (Typer and the CLI's core: about 0.05 s of CPU a worker) is imported only when it runs.


def run() -> None:
    from digest.cli.app import run as run_cli

    run_cli()


if __name__ == "__main__":
    run()
