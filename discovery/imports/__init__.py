"""List imports: an uploaded crisis, turning-65 or newborn list becomes a batch, and a batch's rows become
records, set-based. One module per step:

- :mod:`.access`: who may upload, the dongs an upload may write, the batches each user sees;
- :mod:`.batches`: the upload (with its big-data round) and the batch's lifecycle (claim, done, failed,
  interrupted; restart; the stalled batches the sweep resumes);
- :mod:`.reading`: the file type by content, the encoding and the raw rows (CSV, XLSX), streamed;
- :mod:`.columns`: the fields, their header synonyms and header matching;
- :mod:`.values`: dates, sex, priority and indicator names in a cell;
- :mod:`.rows`: checking one data row (:class:`ParsedRow` or :class:`RowError`);
- :mod:`.reader`: :class:`ListReader`, header finding and the data rows of an upload;
- :mod:`.loading`: writing a chunk of checked rows (crisis reports, universal-visit targets);
- :mod:`.runner`: :func:`batch_import`, a batch's rows in chunks, each committed with its progress and its
  last line, so a run that stops is resumed from there.

The names callers use are re-exported here.
"""

from .access import batches_visible_to, can_upload, upload_district_id, uploader_dong_ids
from .batches import (
    MAX_ATTEMPTS,
    NewRound,
    batch_claim,
    batch_create,
    batch_mark_done,
    batch_mark_failed,
    batch_mark_interrupted,
    batch_restart,
    import_upload,
    restartable,
    round_create,
    stalled_batches,
    too_big_message,
    upload_list,
    upload_refill,
    uploads_expire,
)
from .columns import match_columns
from .loading import CrisisWriter, UniversalWriter
from .reader import ListReader, TooManyRows
from .reading import CSV, XLSX, ImportFileError, detect_encoding, file_format
from .rows import ParsedRow, RowError, RowValidator
from .runner import ClaimLost, ImportCounts, batch_import
from .values import Indicator, parse_date, parse_priority

__all__ = [
    "CSV", "MAX_ATTEMPTS", "XLSX", "ClaimLost", "CrisisWriter", "ImportCounts", "ImportFileError", "Indicator",
    "ListReader", "NewRound", "ParsedRow", "RowError", "RowValidator", "TooManyRows", "UniversalWriter",
    "batch_claim", "batch_create", "batch_import", "batch_mark_done", "batch_mark_failed",
    "batch_mark_interrupted", "batch_restart", "batches_visible_to", "can_upload", "detect_encoding",
    "file_format", "import_upload", "match_columns", "parse_date", "parse_priority", "restartable",
    "round_create", "stalled_batches", "too_big_message", "upload_district_id", "upload_list", "upload_refill",
    "uploads_expire",
    "uploader_dong_ids",
]
