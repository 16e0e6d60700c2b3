"""Cross-cutting conventions: service errors, the API error format, pagination, health checks."""
