"""Members: party member records (full and probationary) held by one organization, with
encrypted ID-card numbers, a history of every change, and tenures that answer "how many
members did this organization have on that date"."""
