"""The HTTP API behind ``flashpoint serve``: JSON under /api/, the dashboard at /.

Why a package of small modules: routes, parameter parsing, auth, errors and response models change
for different reasons (a new filter, a new endpoint, a new auth rule), and each stays readable.
"""

from flashpoint.api.app import create_app

__all__ = ["create_app"]
