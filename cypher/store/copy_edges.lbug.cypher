// name: store/copy_edges
// description: Bulk-create new relationships of one type and endpoint pair with COPY FROM a subquery over columnar parameters.
// params: $row_count (int) number of rows; $src, $dst (lists of strings) endpoint keys; $v_<property> / $f_,$s_,$e_<property> column lists named in columns
// template: type, columns, src_label, dst_label
// dialect: lbug
COPY {type} FROM (
  UNWIND range(1, $row_count) AS i
  RETURN $src[i], $dst[i], {columns}
) (from='{src_label}', to='{dst_label}')
