"""Question sets, their metrics and reports, and the baseline retriever they are compared with."""
