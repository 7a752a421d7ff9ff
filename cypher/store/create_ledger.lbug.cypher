// name: store/create_ledger
// description: Record what the first load of an issue wrote in the embedded store's ledger (same encoding as store/ledger); store/write_ledger replaces the row of an issue loaded before.
// params: $issue_id (string) the issue loaded; $nodes (list of strings) its nodes as JSON [label, key]; $types (list of strings) the relationship types it asserts; $edges (list of ints) its relationships' keys in the relationship index
// dialect: lbug
CREATE (l:_kg_ledger {issue_id: $issue_id, nodes: CAST($nodes AS STRING[]), types: CAST($types AS STRING[]), edges: CAST($edges AS INT64[])})
