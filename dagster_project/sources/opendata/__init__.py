"""Official open data (INSEE, DREES, IGN): the manifest, `autonomy opendata fetch`, the loaders."""
