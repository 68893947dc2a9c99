"""``python -m slacode``: the command line."""
from slacode.cli import console

if __name__ == "__main__":
    console()
