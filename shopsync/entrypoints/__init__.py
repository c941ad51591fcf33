"""Entry points: the `shopsync` command, `shopsync up` and its children."""
