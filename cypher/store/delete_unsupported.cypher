// name: store/delete_unsupported
// description: DETACH DELETE the nodes of one label (among the given keys) that no issue supports any more.
// params: $keys (list of strings) keys of the nodes an issue stopped supporting
// template: label, key, support
// dialect: portable
UNWIND $keys AS k
MATCH (n:{label} {{key}: k})
WHERE size(n.{support}) = 0
DETACH DELETE n
RETURN count(n) AS deleted
