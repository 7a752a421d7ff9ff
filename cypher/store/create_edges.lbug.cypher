// name: store/create_edges
// description: Create new relationships of one type and endpoint pair from $rows (used below the COPY threshold; a relationship pattern over columnar parameters is quadratic in LadybugDB, $rows maps are not). Values are CAST because LadybugDB types a parameter column that is null in every row as STRING.
// params: $rows (list of maps) one map per relationship: src, dst (endpoint keys) and every property of the type
// template: type, src_label, src_key, dst_label, dst_key, set_clause
// dialect: lbug
UNWIND $rows AS row
MATCH (a:{src_label} {{src_key}: row.src})
MATCH (b:{dst_label} {{dst_key}: row.dst})
CREATE (a)-[r:{type} {id: row.id}]->(b)
SET {set_clause}
