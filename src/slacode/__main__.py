"""``python -m slacode``: the command line."""
import sys

from slacode.cli import main

if __name__ == "__main__":
    sys.exit(main())
