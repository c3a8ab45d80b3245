"""Views of the engagement work area; each decides access through engagement.permissions."""
