"""Extractors: one module per extractor behind one protocol (installed as ``kg.extractors``)."""
