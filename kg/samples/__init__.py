"""Bundled sample issues (synthetic, written for kg) used by `kg demo` and the tests."""
