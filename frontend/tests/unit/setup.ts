// Element Plus validates forms with async-validator, which warns on every failed rule.
(globalThis as { ASYNC_VALIDATOR_NO_WARNING?: boolean }).ASYNC_VALIDATOR_NO_WARNING = true;
