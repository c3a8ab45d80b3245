"""Security tests: rate limits, uploads, escaping and formula injection, CSP, parsers."""
