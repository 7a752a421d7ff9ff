// name: store/create_edges
// description: Create new relationships of one type and endpoint pair over columnar parameters, every property in the CREATE pattern (a SET after CREATE costs several times more). Each endpoint key is bound by its own WITH before its MATCH: that keeps both lookups on the primary-key index (two MATCHes on keys bound by one WITH are planned as scans of both node tables and a hash join, which grows with the store).
// params: $row_count (int) number of rows; $src, $dst (lists of strings) endpoint keys; $v_<property> / $f_,$s_,$e_<property> column lists named in properties
// template: type, src_label, src_key, dst_label, dst_key, properties
// dialect: lbug
UNWIND range(1, $row_count) AS i
WITH i, $src[i] AS s
MATCH (a:{src_label} {{src_key}: s})
WITH i, a, $dst[i] AS d
MATCH (b:{dst_label} {{dst_key}: d})
CREATE (a)-[r:{type} {{properties}}]->(b)
