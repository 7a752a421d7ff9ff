// name: store/unindex_edges
// description: Remove from the embedded store's relationship index the relationships an issue still owns among those its ledger lists (the ones store/delete_issue_edges deletes).
// params: $keys (list of ints) relationship keys from the issue's ledger row; $issue_id (string) the issue being replaced or retracted
// dialect: lbug
UNWIND $keys AS k
MATCH (e:_kg_edge {key: k})
WHERE e.issue_id = $issue_id
DELETE e
