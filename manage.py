#!/usr/bin/env python
import gc
import os
import sys


def setup_then_freeze(setup):
    """django.setup() with the cyclic garbage collector off, then the ~90,000 objects it made — apps, models,
    fields, registries, all kept for the life of the process — moved out of the collector's reach (gc.freeze):
    it went over them again and again while they were made and once more at exit to free them, about 0.3 s of
    CPU of every command (a third of `manage.py trial_balance`). The command's own objects are collected as
    usual."""

    def wrapped(*args, **kwargs):
        gc.disable()
        try:
            setup(*args, **kwargs)
        finally:
            gc.freeze()
            gc.enable()

    return wrapped


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilote.settings")
    if sys.argv[1:2] == ["trial_balance"]:
        # Answered without django.setup() when it can be (pilote.ledger.direct: the same SQL and output); else by
        # the Django command below (ARCHITECTURE.md, « A command line that starts fast »).
        from pilote.ledger.direct import main as direct_trial_balance

        if direct_trial_balance(sys.argv[2:]):
            sys.exit(0)
    import django
    from django.core.management import execute_from_command_line

    django.setup = setup_then_freeze(django.setup)  # called by execute_from_command_line, once its options are read
    execute_from_command_line(sys.argv)
