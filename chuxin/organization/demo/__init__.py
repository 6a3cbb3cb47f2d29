"""The demo organization: a deterministic, realistic campaign in Liaoning at three scales.

``chuxin demo --scale {county,city,province}`` calls :func:`load`; ``chuxin demo_logins``
prints :func:`demo_login_lines`. See :mod:`.plan` for the shape and the unit codes.
"""

from .accounts import DEMO_LOGINS, demo_login_lines, demo_password
from .load import LoadReport, NotEmpty, existing_organization, load
from .plan import plan
from .scales import SCALES, Scale
from .selection import wants

__all__ = [
    "DEMO_LOGINS",
    "SCALES",
    "LoadReport",
    "NotEmpty",
    "Scale",
    "demo_login_lines",
    "demo_password",
    "existing_organization",
    "load",
    "plan",
    "wants",
]
