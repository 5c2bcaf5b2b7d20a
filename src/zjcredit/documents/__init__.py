"""One package per document zjcredit reads or writes (declarations, summary, catalog, outcomes), each
with its reading, rules and building; ``kinds`` says what each kind is and which checker validates it."""
