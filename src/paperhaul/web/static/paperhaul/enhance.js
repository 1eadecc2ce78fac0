// enhance (being written)
