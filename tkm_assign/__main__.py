import sys

from tkm_assign.cli import main

sys.exit(main())
