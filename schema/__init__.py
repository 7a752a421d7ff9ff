"""Data package: the graph model, gazetteers and pattern lists (read through kg.resources)."""
