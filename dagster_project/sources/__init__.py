"""Sources: one package per source, its extraction and its Dagster assets inside it."""
