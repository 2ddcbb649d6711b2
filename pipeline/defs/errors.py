"""Turn the errors a user can fix into one clear sentence in the run's logs and the step's metadata."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from pipeline.lib.inventory import RawFolderError
from pipeline.lib.manifest import ManifestError
from pipeline.lib.publish import WarehouseLockedError
from pipeline.lib.stages import RawFileChangedError

USER_ERRORS: tuple[type[BaseException], ...] = (ManifestError, RawFolderError, RawFileChangedError,
                                                WarehouseLockedError, PermissionError)


@contextmanager
def user_errors(context: dg.AssetExecutionContext) -> Iterator[None]:
    """Errors with a fix (a malformed manifest, a missing raw folder, a warehouse locked by another run) fail the
    step as a `dg.Failure` whose description is the sentence to act on; anything else is a bug and
    keeps its traceback."""
    try:
        yield
    except USER_ERRORS as err:
        sentence = str(err)
        context.log.error(sentence)
        raise dg.Failure(description=sentence, metadata={"error": sentence,
                                                         "error_kind": type(err).__name__}) from err
