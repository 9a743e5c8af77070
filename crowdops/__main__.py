import sys

from crowdops.cli.main import main

sys.exit(main())
