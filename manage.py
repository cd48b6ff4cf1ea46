#!/usr/bin/env python
"""Django's command-line utility; ``spbe`` is the same thing installed on the PATH of the virtualenv."""

from spbe.cli import main

if __name__ == "__main__":
    main()
