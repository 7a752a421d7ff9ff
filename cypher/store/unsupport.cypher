// name: store/unsupport
// description: Remove an issue from the support list of every node of one label; returns the keys touched.
// params: $issue_id (string) the issue being replaced or retracted
// template: label, key, support
// dialect: neo4j
MATCH (n:{label})
WHERE $issue_id IN n.{support}
SET n.{support} = [i IN n.{support} WHERE i <> $issue_id]
RETURN n.{key} AS key
