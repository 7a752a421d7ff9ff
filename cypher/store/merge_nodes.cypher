// name: store/merge_nodes
// description: MERGE nodes of one label by key and write every property (used by the cypher-shell export script, where rows are inlined as escaped literals).
// params: $rows (list of maps) one map per node: the key, its properties and the support list
// template: label, key, set_clause
// dialect: neo4j
UNWIND $rows AS row
MERGE (n:{label} {{key}: row.{key}})
SET {set_clause}
