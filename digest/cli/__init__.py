"""The command-line interface (the only package that imports typer).

Every command module is imported whenever ``digest`` starts (Typer needs them all to build the
app), so a command imports the library it calls inside its function: the pipeline, delivery and
fetching cost 240, 110 and 90 ms more at start-up than the 80 ms ``digest --help`` takes
(``python -X importtime -c "import digest.cli.app; import digest.pipeline"``), and a command
should pay only for what it runs.
"""
