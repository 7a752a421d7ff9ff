// name: schema/node_key
// description: Neo4j uniqueness constraint on a label's key (created before any load; MERGE relies on it).
// params: none
// template: label, key
// dialect: neo4j
CREATE CONSTRAINT {label}_{key}_unique IF NOT EXISTS FOR (n:{label}) REQUIRE n.{key} IS UNIQUE
