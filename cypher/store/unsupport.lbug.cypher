// name: store/unsupport
// description: Remove an issue from the support list of every node of one label; returns the keys touched (LadybugDB: list_filter, and the parameter bound by WITH because a lambda cannot read a parameter).
// params: $issue_id (string) the issue being replaced or retracted
// template: label, key, support
// dialect: lbug
MATCH (n:{label})
WHERE $issue_id IN n.{support}
WITH n, $issue_id AS issue
SET n.{support} = list_filter(n.{support}, i -> i <> issue)
RETURN n.{key} AS key
