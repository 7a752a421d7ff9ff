// name: store/dump_nodes
// description: Every node of one label with its properties and support list, in key order (export, snapshots).
// params: none
// template: label, key, columns
// dialect: portable
MATCH (n:{label})
RETURN {columns}
ORDER BY n.{key}
