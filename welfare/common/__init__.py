"""Small shared helpers with no business rules of their own: dates, phones, text keys, spreadsheet cells,
addresses and the one update-and-log pattern. Each module imports nothing from the apps."""
