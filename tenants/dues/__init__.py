"""Party dues (党费): versioned rate tables (DOMAIN_RULES §1) and the calculation every
assessment, payment and ledger uses. Money is Decimal, rounded half-up to 0.01 yuan."""
