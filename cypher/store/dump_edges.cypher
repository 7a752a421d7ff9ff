// name: store/dump_edges
// description: Every relationship of one type and endpoint pair with its endpoint keys and properties, in id order (export, snapshots).
// params: none
// template: type, src_label, src_key, dst_label, dst_key, columns
// dialect: portable
MATCH (a:{src_label})-[r:{type}]->(b:{dst_label})
RETURN a.{src_key} AS src, b.{dst_key} AS dst, {columns}
ORDER BY r.id, src, dst
