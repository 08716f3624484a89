"""The one spreadsheet import machinery of the app (assessment results, pacts with findings).

- ``sheets``: a format (its columns, their English and Indonesian header names), reading an
  XLSX or CSV file by its content, reading cells (numbers as Excel shows them, decimal commas,
  dates), and writing the template and the export (XLSX with a help sheet, CSV);
- ``imports``: what every import shares: the outcomes of a row (new, changed, unchanged,
  skipped, error), the size check, the refusal of a file with errors (nothing is saved) and of
  a preview the records moved past;
- ``stash``: the uploaded file kept under a random key between the preview and the commit,
  with a token signed by the app's secret (nothing parsed travels through the browser).

Each import (tracker/assessments/imports.py, tracker/pacts/imports.py) describes its format
and reads its rows against the records through its own services' checks.
"""
