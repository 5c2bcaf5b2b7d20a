"""The quarterly catalog: reading one, its rules (`validate --kind catalog`), and `zjcredit catalog build`."""
