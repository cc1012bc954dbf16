"""Analyzers: what a file's or a table's content is, computed once, as typed facts the rules read.

An analyzer is a pure function of its input (a table's cells, a rule's options, the profile); it makes no
findings and stores nothing another step depends on. :mod:`.cell_flags` says which cells of a table built
from microdata break each cell rule; ``sdcscan table`` suppresses from it and the TAB rules report from it.
"""
