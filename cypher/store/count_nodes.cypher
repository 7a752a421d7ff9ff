// name: store/count_nodes
// description: Number of nodes of one label (for stats).
// params: none
// template: label
// dialect: portable
MATCH (n:{label})
RETURN count(n) AS n
