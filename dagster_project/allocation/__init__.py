"""Envelope allocation what-ifs: run the dbt allocation engine for a new amount and write the annex."""
