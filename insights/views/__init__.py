"""Views of the insights work area; each decides access through insights.permissions."""
