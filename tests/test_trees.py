"""Decision trees printed as text, read as tables of their nodes (scanner.loaders.trees)."""

from __future__ import annotations

from scanner.loaders.trees import tree_tables

RPART_CLASS = """n= 48213

node), split, n, loss, yval, (yprob)
      * denotes terminal node

 1) root 48213 5082 0 (0.89459 0.10541)
   2) alder< 52 36120 2410 0 (0.93328 0.06672) *
   3) alder>=52 12093 2672 0 (0.77905 0.22095)
     6) udd_niveau=2,3,4 12091 1 0 (0.99990 0.00010) *
     7) udd_niveau=1 2 0 1 (0.00000 1.00000) *
"""

RPART_ANOVA = """node), split, n, deviance, yval
      * denotes terminal node

1) root 500 123456.7 310.2
  2) alder< 40.5 260 45678.9 280.1 *
  3) alder>=40.5 240 65432.1 342.8 *
"""

SKLEARN = """|--- age <= 74.50
|   |--- weights: [31022.00, 1630.00] class: 0
|--- age >  74.50
|   |--- los <= 6.50
|   |   |--- weights: [0.00, 2.00] class: 1
|   |--- los >  6.50
|   |   |--- weights: [17.00, 5.00] class: 0
"""


def test_rpart_classification_tree_nodes_with_n_and_loss() -> None:
    (table,) = tree_tables(RPART_CLASS, 1)
    assert table.names == ["node", "n", "loss"]
    assert table.counts == ("n", "loss")
    assert table.rows[0] == ["1) root", "48213", "5082"]
    # (a split on a whole number, "alder< 52", is not read as the node's n)
    assert table.rows[1] == ["2) alder< 52 (leaf)", "36120", "2410"]
    assert table.rows[-1] == ["7) udd_niveau=1 (leaf)", "2", "0"]
    assert table.lines[0] == 6 and len(table.lines) == 5


def test_rpart_regression_tree_counts_n_only() -> None:
    (table,) = tree_tables(RPART_ANOVA, 1)
    assert table.names == ["node", "n", "deviance"]
    assert table.counts == ("n",)
    assert [r[1] for r in table.rows] == ["500", "260", "240"]


def test_sklearn_export_text_leaves_with_their_paths() -> None:
    (table,) = tree_tables(SKLEARN, 10)
    assert table.names == ["leaf", "class weight 1", "class weight 2"]
    assert table.counts == ("class weight 1", "class weight 2")
    assert table.rows == [["age <= 74.50", "31022", "1630"], ["age >  74.50 & los <= 6.50", "0", "2"],
                          ["age >  74.50 & los >  6.50", "17", "5"]]
    assert table.lines == (11, 14, 16)


def test_weighted_fits_are_no_counts() -> None:
    weighted = SKLEARN.replace("[0.00, 2.00]", "[0.35, 2.71]")
    (table,) = tree_tables(weighted, 1)
    assert table.counts == ()


def test_text_without_trees() -> None:
    assert list(tree_tables("node) is not a tree\n|--- nor is this", 1)) == []
