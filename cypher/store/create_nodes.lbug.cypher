// name: store/create_nodes
// description: Create new nodes of one label with UNWIND … CREATE over columnar parameters, every property in the CREATE pattern (a SET after CREATE costs about as much again). Used below the COPY threshold, where COPY's fixed cost of ~20-40 ms per statement dominates.
// params: $row_count (int) number of rows; $keys (list of strings) node keys, new and distinct; $v_<property> / $f_,$s_,$e_<property> column lists named in properties
// template: label, key, properties
// dialect: lbug
UNWIND range(1, $row_count) AS i
WITH i, $keys[i] AS k
CREATE (n:{label} {{key}: k, {properties}})
