"""Reconciliation checks."""
