"""Data package: every Cypher statement kg runs, as .cypher files (read through kg.resources)."""
