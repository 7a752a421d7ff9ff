"""Graph stores (placeholder until the store layer lands)."""
