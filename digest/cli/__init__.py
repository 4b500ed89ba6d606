"""The command-line interface (the only package that imports typer).

A command's module is imported when that command runs (``app._app_for``) or the whole list is
shown, and a command imports the library it calls inside its function all the same: the pipeline,
delivery and fetching cost 240, 110 and 90 ms more at start-up than the 80 ms ``digest --help``
takes (``python -X importtime -c "import digest.cli.app; import digest.pipeline"``), and a command
should pay only for what it runs.
"""
