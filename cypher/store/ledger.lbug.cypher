// name: store/ledger
// description: What an issue's last load wrote, from the embedded store's ledger: its nodes as JSON [label, key], the relationship types it asserts, and its relationships' keys in the relationship index; no row when the issue is not in the store.
// params: $issue_id (string) an issue id
// dialect: lbug
MATCH (l:_kg_ledger {issue_id: $issue_id})
RETURN l.nodes AS nodes, l.types AS types, l.edges AS edges
