// name: store/merge_edges
// description: MERGE relationships of one type and endpoint pair on (endpoints, id) and write their properties; two separate MATCH clauses (a comma MATCH is 100x slower in LadybugDB). Values are CAST because LadybugDB types a parameter column that is null in every row as STRING.
// params: $rows (list of maps) one map per relationship: src, dst (endpoint keys) and every property of the type
// template: type, src_label, src_key, dst_label, dst_key, set_clause
// dialect: lbug
UNWIND $rows AS row
MATCH (a:{src_label} {{src_key}: row.src})
MATCH (b:{dst_label} {{dst_key}: row.dst})
MERGE (a)-[r:{type} {id: row.id}]->(b)
SET {set_clause}
