"""Data protection: subject access, erasure, withdrawal, retention and the audit trail."""
