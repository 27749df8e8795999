"""Plotly reports in French, built from the published warehouse (see catalog.py for the list)."""
