"""Who and where, and everything captured: accounts and roles, organisations, Places, focus-group
sessions, surveys' handling, roundtables, conversation logs, transcripts and consent."""
