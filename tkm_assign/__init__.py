"""tkm_assign: mentor assignment and visit scheduling for TKM Lanjutan."""

import logging

__version__ = "0.1.0"

logging.getLogger("tkm_assign").addHandler(logging.NullHandler())
