"""Entry script of the frozen bundle: the same ``station-app`` command as the installed one.

PyInstaller needs a script, not a ``module:function`` entry point; this is that
script and nothing else, so the bundle and ``pip install`` run the same code.
"""

import sys

from station_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
