"""The warehouse: connections to the work database, the refresh lock, atomic publishing."""
