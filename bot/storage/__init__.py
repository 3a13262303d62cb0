"""The advisor's database side: its own migration history and the unit of work of one update."""
