"""The public website's Wagtail pages: home page and content pages (survey and published report
pages join them as those capabilities land)."""
