"""The same ad functions, run in-process (``local``) or on Apache Spark (``spark``)."""
