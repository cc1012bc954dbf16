"""Tables from microdata: stream the file into the cell kernels, add margins, check and protect every cell.

``compute_cells`` is the fast path (one streaming pass, per-cell statistics); ``build_table`` adds the
margins, evaluates the TAB rules on every cell (interior and margins: both are published), suppresses
the cells that break a rule (primary) and then enough other cells that no suppressed cell can be
recomputed from what is published (secondary, proven by the LP audit in :mod:`scanner.suppression`).

Modules: ``cells`` (spec, encoding, the streaming pass), ``margins``, ``model`` (the checked table),
``build`` (rules and suppression), ``check`` (reading an exported table), ``writers``.
"""
