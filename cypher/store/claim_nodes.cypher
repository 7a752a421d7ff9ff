// name: store/claim_nodes
// description: MERGE the nodes of one label by key and write-lock them (SET of the support list), returning what they hold; a new node comes back with an empty support list.
// params: $keys (list of strings) node keys
// template: label, key, support, columns
// dialect: neo4j
UNWIND $keys AS k
MERGE (n:{label} {{key}: k})
SET n.{support} = coalesce(n.{support}, [])
RETURN {columns}
