"""Search: lexical, semantic and hybrid search, typeahead and related papers."""
