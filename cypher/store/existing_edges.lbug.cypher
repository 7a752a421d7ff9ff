// name: store/existing_edges
// description: Which of the given (source, target, id) relationships of one type and endpoint pair already exist, as (src, dst, id) rows; those are MERGEd, the rest are COPYed.
// params: $row_count (int) number of rows; $src, $dst, $ids (lists of strings) endpoint keys and relationship ids
// template: type, src_label, src_key, dst_label, dst_key
// dialect: lbug
UNWIND range(1, $row_count) AS i
WITH $src[i] AS s, $dst[i] AS d, $ids[i] AS id
MATCH (a:{src_label} {{src_key}: s})-[r:{type}]->(b:{dst_label} {{dst_key}: d})
WHERE r.id = id
RETURN DISTINCT s AS src, d AS dst, r.id AS id
