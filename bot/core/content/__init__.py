"""Topic content in three languages: loading, checking and answering questions."""
