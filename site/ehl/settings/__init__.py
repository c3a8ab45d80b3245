"""Settings for the EHL insight platform, split by environment (base, dev, test, production)."""
