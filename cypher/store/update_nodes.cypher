// name: store/update_nodes
// description: Write the merged properties and support list of existing nodes of one label (null removes a property).
// params: $rows (list of maps) one map per node: the key, every schema property and the support list
// template: label, key, set_clause
// dialect: neo4j
UNWIND $rows AS row
MATCH (n:{label} {{key}: row.{key}})
SET {set_clause}
