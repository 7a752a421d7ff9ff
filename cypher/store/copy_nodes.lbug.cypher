// name: store/copy_nodes
// description: Bulk-create new nodes of one label with COPY FROM a subquery over columnar parameters (keys are known to be new and distinct; a duplicate key would crash LadybugDB).
// params: $row_count (int) number of rows; $v_<property> / $f_,$s_,$e_<property> column lists named in columns
// template: label, columns
// dialect: lbug
COPY {label} FROM (
  UNWIND range(1, $row_count) AS i
  RETURN {columns}
)
