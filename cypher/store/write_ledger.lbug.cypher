// name: store/write_ledger
// description: Record what an issue's load wrote in the embedded store's ledger (same encoding as store/ledger), replacing its previous row; an issue left with nothing in the store loses its row.
// params: $issue_id (string) the issue loaded or retracted; $nodes (list of strings) its nodes as JSON [label, key]; $types (list of strings) the relationship types it asserts; $edges (list of ints) its relationships' keys in the relationship index
// dialect: lbug
MERGE (l:_kg_ledger {issue_id: $issue_id})
SET l.nodes = CAST($nodes AS STRING[]), l.types = CAST($types AS STRING[]), l.edges = CAST($edges AS INT64[])
WITH l
WHERE size(l.nodes) = 0 AND size(l.edges) = 0
DELETE l
