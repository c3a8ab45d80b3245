"""Write-side business logic of engagement: verb-first functions with keyword-only arguments."""
