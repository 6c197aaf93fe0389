"""Who may use the API: tokens, roles, the caller of a request, rate limits."""
