// name: store/issues
// description: The ids of the issues that support at least one node, sorted.
// params: none
// template: support
// dialect: portable
MATCH (n)
UNWIND n.{support} AS issue
RETURN DISTINCT issue
ORDER BY issue
