"""`paperhaul site build`: the public site of hauls as plain files for any static host.

build.py runs a build; address.py makes every link of it; pages.py, search_index.py and
syndication.py write its pages, search index, feeds and sitemap; output.py swaps it into place.
"""
