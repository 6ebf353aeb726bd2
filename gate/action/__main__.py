import sys

from gate.action.run import main

sys.exit(main())
