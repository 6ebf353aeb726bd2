"""The catalog: everything discovery knows about libraries, CLIs and config conventions, as data.

- `python_apis`: Python APIs that load or publish a model, a dataset or a metric (`ApiSpec` rows).
- further modules beside it: CLI commands and their flags, config-file conventions, and the context
  vocabulary (names that say "model" or "dataset") used where a library is not in the catalog.

Adding a library, a CLI or a config convention is a row in one of these modules plus a fixture.
"""

from gate.discover.catalog.python_apis import *  # noqa: F403 (the package re-exports the Python API table)
from gate.discover.catalog.python_apis import (  # underscore names other modules read
    _EXACT_NAMES as _EXACT_NAMES,
)
from gate.discover.catalog.python_apis import (
    _NAMED_CACHE as _NAMED_CACHE,
)
from gate.discover.catalog.python_apis import (
    _WILDCARD_NAMES as _WILDCARD_NAMES,
)
from gate.discover.catalog.python_apis import (
    _WILDCARD_SOURCES as _WILDCARD_SOURCES,
)
