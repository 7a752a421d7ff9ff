// name: store/unsupport_nodes
// description: Remove an issue from the support list of the given nodes of one label (the ones its previous load wrote and its new batch lacks, found in the ledger); returns the keys whose support changed. The parameter is bound by WITH because a lambda cannot read one.
// params: $issue_id (string) the issue being replaced or retracted; $keys (list of strings) node keys
// template: label, key, support
// dialect: lbug
UNWIND $keys AS k
MATCH (n:{label} {{key}: k})
WHERE $issue_id IN n.{support}
WITH n, $issue_id AS issue
SET n.{support} = list_filter(n.{support}, i -> i <> issue)
RETURN n.{key} AS key
