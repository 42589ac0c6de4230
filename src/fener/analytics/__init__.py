"""Pure-Python analytic engines (text, ads, graph, privacy).

Nothing in this package may import Django or any Fener app: the import contract in
``pyproject.toml`` enforces it, so that the same functions run in-process and on Spark.
"""
