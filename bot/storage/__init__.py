"""Everything files-bot keeps: the file cache, the report ledger and the reports' data."""
