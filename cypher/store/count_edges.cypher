// name: store/count_edges
// description: Number of relationships of one type (for stats).
// params: none
// template: type
// dialect: portable
MATCH ()-[r:{type}]->()
RETURN count(r) AS n
