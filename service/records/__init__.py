"""What every kind of record shares: tables, writes with history, paging."""
