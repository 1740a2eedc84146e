"""What the load journeys (`bench/locustfile.py`) and the fault scripts (`bench/faults.py`) share; kept apart from
the locustfile because importing locust patches the standard library with gevent."""

import os
import re

PASSWORD = os.environ.get("PILOTE_LOAD_PASSWORD", "charge-2026")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
