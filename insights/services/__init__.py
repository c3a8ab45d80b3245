"""Write-side business logic of insights."""
