// typeahead (being written)
