// name: store/ledger_issues
// description: The ids of the issues that support at least one node, sorted, from the embedded store's ledger (one key-ordered table instead of every node's support list).
// params: none
// dialect: lbug
MATCH (l:_kg_ledger)
WHERE size(l.nodes) > 0
RETURN l.issue_id AS issue
ORDER BY issue
