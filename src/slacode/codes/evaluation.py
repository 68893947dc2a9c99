"""evaluation codes (see slacode.codes)."""
from slacode.codes import define  # noqa: F401
