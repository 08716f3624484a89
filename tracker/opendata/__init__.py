"""Open data: exports (CSV, XLSX), feeds (Atom, iCalendar) and weekly checksummed snapshots."""
