// name: schema/rel_index
// description: Neo4j index on one relationship property (id for MERGE, issue_id for replacing an issue's assertions).
// params: none
// template: type, property
// dialect: neo4j
CREATE INDEX {type}_{property} IF NOT EXISTS FOR ()-[r:{type}]-() ON (r.{property})
