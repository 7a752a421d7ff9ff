// name: store/indexed_edges
// description: Which of the given relationship keys are in the embedded store's relationship index, with their check (the caller compares it: a different check is another relationship whose key collides); those relationships are MERGEd, the rest are created.
// params: $keys (list of ints) relationship keys
// dialect: lbug
UNWIND $keys AS k
MATCH (e:_kg_edge {key: k})
RETURN e.key AS key, e.verify AS verify
