// name: store/nodes_by_key
// description: The stored properties (and support) of the nodes of one label with the given keys; absent keys give no row.
// params: $keys (list of strings) node keys
// template: label, key, columns
// dialect: portable
UNWIND $keys AS k
MATCH (n:{label} {{key}: k})
RETURN {columns}
