// name: queries/region-activity
// description: Pilots (PILOTS_IN) and implementations (IMPLEMENTS) reported in a region and in the cities and counties within it (two WITHIN steps), oldest issue first, with their evidence.
// params: $region (region) the region as articles name it (浙江 or 浙江省, 杭州)
// example: kg query region-activity --param region=浙江省
// columns: region, place, relation, actor_label, actor, issue_date, issue_id, article_id, evidence
// dialect: neo4j
MATCH (top:Region)
WHERE top.key = $region OR top.name = $region
OPTIONAL MATCH (c1:Region)-[:WITHIN]->(top)
WITH DISTINCT top, c1
OPTIONAL MATCH (c2:Region)-[:WITHIN]->(c1)
WITH DISTINCT top, c1.key AS k1, c2.key AS k2
UNWIND [top.key, k1, k2] AS k
WITH DISTINCT top, k
MATCH (pl:Region {key: k})-[f:PILOTS_IN|IMPLEMENTS]-(x:Policy|Agency)
RETURN top.key AS region, pl.key AS place, type(f) AS relation, labels(x)[0] AS actor_label,
       x.name AS actor, f.issue_date AS issue_date, f.issue_id AS issue_id, f.article_id AS article_id,
       f.evidence AS evidence
ORDER BY issue_date, place, relation, actor, article_id, evidence
