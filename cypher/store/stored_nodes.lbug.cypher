// name: store/stored_nodes
// description: What a load needs of the stored nodes of one label with the given keys: their properties, how many issues support each, whether the loading issue is one of them, and the last (greatest) of them (the support list itself is not read back: it grows with the store).
// params: $keys (list of strings) node keys; $issue_id (string) the issue being loaded
// template: label, key, support, columns
// dialect: lbug
UNWIND $keys AS k
MATCH (n:{label} {{key}: k})
RETURN {columns}, size(n.{support}) AS supporters, $issue_id IN n.{support} AS supported,
  CASE WHEN size(n.{support}) > 0 THEN n.{support}[-1] END AS last
